package providertest

import (
	"strings"
	"sync"
	"testing"
)

func TestLogs(t *testing.T) {
	var logs Logs
	log := logs.Logger()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			log.Debug("detail", "n", 1)
		}()
	}
	wg.Wait()
	if got := strings.Count(logs.String(), "level=DEBUG msg=detail n=1\n"); got != 8 {
		t.Errorf("%d debug lines in:\n%s", got, logs.String())
	}
}
