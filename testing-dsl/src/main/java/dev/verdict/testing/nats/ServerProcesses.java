package dev.verdict.testing.nats;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Keeps nats-server child processes from outliving the JVM that started them: a server whose start was reported as
 * failed is killed at once, and every nats-server child still running when the JVM exits is killed by a shutdown
 * hook (a test that forgot to close a server must not leave it running after the build).
 */
final class ServerProcesses {
    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(ServerProcesses::killAllChildren, "verdict-nats-server-reaper"));
    }

    private ServerProcesses() {}

    /** The pids of this JVM's nats-server child processes. */
    static Set<Long> children() {
        return ProcessHandle.current()
                .children()
                .filter(ServerProcesses::isNatsServer)
                .map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    static void killChildrenStartedSince(Set<Long> before) {
        ProcessHandle.current()
                .children()
                .filter(ServerProcesses::isNatsServer)
                .filter(p -> !before.contains(p.pid()))
                .forEach(ServerProcesses::kill);
    }

    private static void killAllChildren() {
        ProcessHandle.current().children().filter(ServerProcesses::isNatsServer).forEach(ServerProcesses::kill);
    }

    private static boolean isNatsServer(ProcessHandle p) {
        return p.info().command().map(c -> c.endsWith("nats-server")).orElse(false);
    }

    private static void kill(ProcessHandle p) {
        p.destroyForcibly();
        try {
            p.onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort: the process is being killed; nothing else to do
        }
    }
}
