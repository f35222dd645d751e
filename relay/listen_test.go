package relay

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// shortTimeouts makes Serve's timeouts short for one test.
func shortTimeouts(t *testing.T) {
	saved := timeouts
	timeouts.readHeader, timeouts.read, timeouts.write, timeouts.idle = 100*time.Millisecond, 200*time.Millisecond, 300*time.Millisecond, time.Second
	t.Cleanup(func() { timeouts = saved })
}

func serveEnv(t *testing.T, e *env) (ctx context.Context, stop func() error, url string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	url, wait, err := Serve(ctx, "127.0.0.1:0", e.srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return wait()
	}
	t.Cleanup(func() { stop() })
	return ctx, stop, url
}

func TestServe(t *testing.T) {
	shortTimeouts(t)
	e := newEnv(t)
	_, stop, url := serveEnv(t, e)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Errorf("url = %q", url)
	}
	resp, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	if b := readAll(t, resp.Body); resp.StatusCode != http.StatusOK || b != "ok\n" {
		t.Errorf("healthz = %d %q", resp.StatusCode, b)
	}
	resp.Body.Close()
	addr := strings.TrimPrefix(url, "http://")

	t.Run("slow headers are cut off", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: relay\r\n")
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		start := time.Now()
		b, err := io.ReadAll(conn)
		if err != nil || time.Since(start) > 3*time.Second {
			t.Errorf("the connection stayed open (%v, %q after %v)", err, b, time.Since(start))
		}
	})

	t.Run("slow bodies are cut off and not stored", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		body := cbBody("pos-slow", "created")
		io.WriteString(conn, "POST /callbacks/fake HTTP/1.1\r\nHost: relay\r\nContent-Length: 200\r\n"+
			"X-Test-Key: "+testKey+"\r\nX-Test-Signature: "+e.fake.sign(body)+"\r\n\r\n")
		conn.Write(body[:20])
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err == nil {
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("slow body answered %d", resp.StatusCode)
			}
			resp.Body.Close()
		} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Errorf("the connection stayed open: %v", err)
		}
		if _, ok := e.record("pos-slow"); ok {
			t.Error("a cut-off callback was stored")
		}
	})

	t.Run("a long-poll outlives the read and write timeouts", func(t *testing.T) {
		c := &Client{BaseURL: url, Token: testToken}
		start := time.Now()
		_, err := c.Wait(context.Background(), "pos-1", 0, 600*time.Millisecond)
		if !errors.Is(err, ErrNoCallback) || time.Since(start) < 600*time.Millisecond {
			t.Errorf("Wait = %v after %v", err, time.Since(start))
		}
	})

	t.Run("shutdown answers long-polls at once", func(t *testing.T) {
		c := &Client{BaseURL: url, Token: testToken}
		e.post(cbBody("pos-2", "processing"))
		done := make(chan error, 1)
		go func() {
			rec, err := c.Wait(context.Background(), "pos-2", 1, 30*time.Second)
			if err == nil && rec.Version != 1 {
				err = errors.New("wrong record")
			}
			done <- err
		}()
		eventually(t, "the poll watches", func() bool { return e.watchers() == 1 })
		start := time.Now()
		if err := stop(); err != nil {
			t.Errorf("wait() = %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("the long-poll at shutdown: %v", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("shutdown took %v", d)
		}
		if _, err := http.Get(url + "/healthz"); err == nil {
			t.Error("still serving after shutdown")
		}
	})
}

func TestServeListenError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, _, err = Serve(context.Background(), ln.Addr().String(), http.NotFoundHandler(), nil)
	if err == nil || !strings.Contains(err.Error(), "could not listen on "+ln.Addr().String()) {
		t.Errorf("Serve on a used port = %v", err)
	}
}

func TestDialAddr(t *testing.T) {
	for listen, want := range map[string]string{
		":8090":          "127.0.0.1:8090",
		"0.0.0.0:8090":   "127.0.0.1:8090",
		"[::]:8090":      "127.0.0.1:8090",
		"10.0.0.2:8090":  "10.0.0.2:8090",
		"[::1]:8090":     "[::1]:8090",
		"127.0.0.1:8090": "127.0.0.1:8090",
		"relay.lan:8090": "relay.lan:8090",
		"no port":        "no port",
	} {
		if got := DialAddr(listen); got != want {
			t.Errorf("DialAddr(%q) = %s, want %s", listen, got, want)
		}
	}
}
