package dev.verdict.reliability;

import io.nats.NatsServerRunner;

/**
 * Gives a (re)starting nats-server up to ~20 s to open its client port. The runner's default (3 checks within
 * ~200 ms) is too short for a restarted cluster node, which restores its streams before it accepts clients – on a
 * loaded 2-core machine that takes seconds.
 */
final class PatientServerStarts {
    private static boolean applied;

    private PatientServerStarts() {}

    static synchronized void apply() {
        if (!applied) {
            NatsServerRunner.setDefaultValidateTries(200);
            NatsServerRunner.setDefaultSubsequentValidateDelay(100);
            applied = true;
        }
    }
}
