// Package crash proves the cryptopos binary safe against crashes and
// secret leaks, from the outside. It has no code of its own: TestMain
// builds the binary and the tests run it as a shop would, as separate
// processes, and kill them.
//
//   - TestCrashAnywhere runs the terminal in a pseudo-terminal (80x24,
//     TERM=xterm-256color; no tmux), its output fed to a terminal emulator,
//     against one long-running `cryptopos sandbox cryptomus` and one
//     journal, and SIGKILLs it 100+ times at random points of a sale:
//     right after the pay option is picked (before or during the create),
//     at the first frame with the QR code, while waiting, right after the
//     sandbox moved the invoice to a new status (during the status write)
//     and at random byte offsets of its output. After each kill it starts
//     the terminal again, lets it resume, and kills or quits it again.
//     Every few rounds, and after a last clean start, it checks that every
//     invoice the sandbox knows is in the journal under the same order id
//     and is followed to the sandbox's status, that none is duplicated,
//     and that an invoice the sandbox never made is closed as such.
//   - TestRelayCrash SIGKILLs `cryptopos relay` 100+ times while several
//     clients post signed Cryptoprocessing callbacks: every callback it
//     answered 200 is in its store afterwards, and records never go back.
//   - TestNoSecretLeaks runs everything with known, distinctive keys, a
//     relay token and a manager PIN, through the happy paths and the error
//     paths, and searches every byte the processes wrote (the terminal's
//     whole output stream and every screen, logs, stdout and stderr) for
//     them, as written and base64 or hex encoded;
//     TestNoSecretLeaksInConfigErrors does the same for configs that hold
//     the secrets and are wrong in some way.
//   - The relay's black-box security checks (a slow-loris client, a body
//     over the cap), the config-permission warning, and source checks that
//     TLS verification is never switched off and that tokens, keys and
//     signatures are compared in constant time.
//
// The seed of the random tests is printed when one fails; rerun it with
// CRYPTOPOS_CRASH_SEED=N, and change their length with
// CRYPTOPOS_CRASH_ROUNDS=N (default 100) and CRYPTOPOS_RELAY_KILLS=N
// (default 110). The package needs no tmux; it is skipped when the binary
// cannot be built, and on systems without pseudo-terminals.
package crash
