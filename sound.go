package main

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"time"

	"cryptopos/config"
	"cryptopos/pos"
)

// soundHook runs the shop's command for an outcome: [sound] on_paid for a
// paid sale, on_failed for one that ended unpaid. It returns nil when
// neither is set.
func soundHook(s config.Sound, log *slog.Logger) func(pos.Status) {
	if s.OnPaid == "" && s.OnFailed == "" {
		return nil
	}
	return func(st pos.Status) {
		command := s.OnFailed
		if st.Success() {
			command = s.OnPaid
		}
		if command == "" {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		shell, flag := "sh", "-c"
		if runtime.GOOS == "windows" {
			shell, flag = "cmd", "/C"
		}
		cmd := exec.CommandContext(ctx, shell, flag, command)
		cmd.Env = append(os.Environ(), "CRYPTOPOS_STATUS="+string(st))
		if err := cmd.Run(); err != nil {
			log.Warn("the sound command failed", "status", string(st), "err", err)
		}
	}
}
