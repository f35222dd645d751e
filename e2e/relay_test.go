package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"cryptopos/e2e/e2ekit"
	"cryptopos/providers/cryptoprocessing"
	cpsandbox "cryptopos/providers/cryptoprocessing/sandbox"
)

// TestRelayRejectsForgedCallbacks treats a standalone `cryptopos relay` as
// a black box: callbacks with a wrong, missing or stale signature, or a
// foreign API key, are refused (403) and change nothing a terminal reads;
// authentic duplicates and a callback that arrives after a newer one
// (out of order, by the sandbox's knobs, and replayed by hand) are taken
// (200) and leave the newest state in place.
func TestRelayRejectsForgedCallbacks(t *testing.T) {
	t.Parallel()
	needTmux(t)
	dir := t.TempDir()
	k := newKeys()
	r := startRelay(t, filepath.Join(dir, "relay"), k)
	sb := startCPSandbox(t, r.CallbackURL, k)

	// A terminal without the token reads nothing.
	id := "e2e-" + e2ekit.RandomHex(6)
	if code, _, body := r.get(t, id, ""); code != http.StatusUnauthorized {
		t.Errorf("GET without a token: %d %s, want 401", code, body)
	}
	if code, _, body := r.get(t, id, k.RelayToken+"x"); code != http.StatusUnauthorized {
		t.Errorf("GET with a wrong token: %d %s, want 401", code, body)
	}

	// Forgeries of a confirmed callback for an invoice the relay has not
	// heard of.
	forged := []byte(fmt.Sprintf(`{"id":1,"foreign_id":%q,"type":"invoice","status":"confirmed","error":"",`+
		`"currency_sent":{"currency":"BTC","amount":"0.00020000","remaining_amount":"0.00000000"}}`, id))
	for _, c := range []struct {
		what, key, sig string
	}{
		{"signed with another secret key", k.APIKey, cryptoprocessing.Sign(forged, "not-"+k.SecretKey)},
		{"without a signature", k.APIKey, ""},
		{"with another account's API key", "not-" + k.APIKey, cryptoprocessing.Sign(forged, k.SecretKey)},
		{"with a signature that is not hex", k.APIKey, strings.Repeat("zz", 64)},
	} {
		if code := r.postCallback(t, forged, c.key, c.sig); code != http.StatusForbidden {
			t.Errorf("a callback %s: %d, want 403", c.what, code)
		}
	}
	if code, _, body := r.get(t, id, k.RelayToken); code != http.StatusNotFound || !strings.Contains(body, "no_callback") {
		t.Fatalf("after forged callbacks only, the relay answers %d %s for %s, want 404 no_callback", code, body, id)
	}
	// An authentic callback of another kind is taken and not kept.
	deposit := []byte(fmt.Sprintf(`{"id":2,"foreign_id":%q,"type":"deposit","status":"confirmed"}`, id))
	if code := r.postCallback(t, deposit, k.APIKey, cryptoprocessing.Sign(deposit, k.SecretKey)); code != http.StatusOK {
		t.Errorf("an authentic deposit callback: %d, want 200", code)
	}
	if code, _, body := r.get(t, id, k.RelayToken); code != http.StatusNotFound {
		t.Errorf("after a deposit callback the relay answers %d %s for %s, want 404", code, body, id)
	}

	// A real invoice at the sandbox: its processing callback is held back
	// until the confirmed one, which is sent twice.
	inv := sb.create(t, fmt.Sprintf(`{"timer":true,"title":"E2E relay","currency":"EUR","amount":"12.50",`+
		`"foreign_id":%q,"end_user_reference":"e2e"}`, id))
	if inv.ForeignID != id || inv.Status != "pending" {
		t.Fatalf("the sandbox made %+v", inv)
	}
	if code := sb.admin(t, http.MethodPost, "/callbacks/knobs/hold?foreign_id="+id, nil); code != http.StatusOK {
		t.Fatalf("knob hold: %d", code)
	}
	sb.drive(t, id, cpsandbox.Mempool)
	if code := sb.admin(t, http.MethodPost, "/callbacks/knobs/duplicate?foreign_id="+id, nil); code != http.StatusOK {
		t.Fatalf("knob duplicate: %d", code)
	}
	sb.drive(t, id, cpsandbox.Confirm)
	list := sb.waitDelivered(t, id, 3)
	var processing, confirmed []byte
	for _, d := range list {
		switch d.Status {
		case "processing":
			processing = []byte(d.Body)
		case "confirmed":
			confirmed = []byte(d.Body)
		}
	}
	if processing == nil || confirmed == nil || !bytes.Contains(confirmed, []byte(`\/`)) {
		t.Fatalf("the sandbox's callbacks are not one processing and two confirmed, with / escaped: %+v", list)
	}
	rec := r.record(t, id)
	if rec.Status != "confirmed" || !rec.Final || rec.Version != 1 || rec.Callbacks != 3 {
		t.Fatalf("after processing (held), confirmed and its duplicate, the relay has %s final=%t version %d of %d callbacks; "+
			"want confirmed, final, version 1, 3 callbacks", rec.Status, rec.Final, rec.Version, rec.Callbacks)
	}
	if !bytes.Equal(rec.Payload, confirmed) {
		t.Errorf("the relay keeps a payload other than the confirmed callback's bytes:\n%s\n%s", rec.Payload, confirmed)
	}
	// The relay's log tells the held callback came last and changed nothing.
	log := e2ekit.ReadFile(r.logPath)
	stored := strings.Index(log, "id="+id+" status=confirmed final=true version=1")
	ignored := strings.LastIndex(log, `msg="relay: callback changes nothing (duplicate or older)"`)
	if stored < 0 || ignored < stored || !strings.Contains(log[ignored:], "id="+id+" status=processing kept_status=confirmed") {
		t.Errorf("the relay's log does not show the confirmed callback stored, then the late processing one ignored:\n%s", e2ekit.Tail(log, 12))
	}

	// The earlier processing callback, replayed by hand with its genuine
	// signature: taken, and nothing changes.
	if code := r.postCallback(t, processing, k.APIKey, cryptoprocessing.Sign(processing, k.SecretKey)); code != http.StatusOK {
		t.Errorf("replaying the processing callback: %d, want 200", code)
	}
	// The confirmed callback turned into a failed one, with the confirmed
	// one's signature: refused.
	tampered := bytes.Replace(confirmed, []byte(`"status":"confirmed"`), []byte(`"status":"failed"`), 1)
	if bytes.Equal(tampered, confirmed) {
		t.Fatalf("no status in the confirmed callback: %s", confirmed)
	}
	if code := r.postCallback(t, tampered, k.APIKey, cryptoprocessing.Sign(confirmed, k.SecretKey)); code != http.StatusForbidden {
		t.Errorf("a tampered callback with the original signature: %d, want 403", code)
	}
	// The forged confirmed callback from the start, now that the invoice
	// exists: refused too.
	if code := r.postCallback(t, forged, k.APIKey, cryptoprocessing.Sign(forged, "not-"+k.SecretKey)); code != http.StatusForbidden {
		t.Errorf("a forged callback for a known invoice: %d, want 403", code)
	}
	after := r.record(t, id)
	if after.Status != "confirmed" || after.Version != 1 || after.Callbacks != 4 || !bytes.Equal(after.Payload, confirmed) ||
		!after.ReceivedAt.Equal(rec.ReceivedAt) {
		t.Errorf("after a replay and two forgeries the relay has %s version %d of %d callbacks (received %s); "+
			"want the confirmed record unchanged, version 1, 4 authentic callbacks (received %s)",
			after.Status, after.Version, after.Callbacks, after.ReceivedAt, rec.ReceivedAt)
	}
	if n := strings.Count(e2ekit.ReadFile(r.logPath), "relay: callback refused: not signed by the provider"); n != 6 {
		t.Errorf("the relay's log counts %d refused callbacks, want 6", n)
	}
}
