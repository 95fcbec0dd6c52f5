package dev.verdict.routing;

import dev.verdict.store.CommandContext;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link RoutedInstance} in a child JVM of {@link FrozenOwnerTest}, so that the test can freeze the whole process with
 * SIGSTOP: it starts alone (so it owns every partition), then sends commands to the tally of its own from one thread,
 * each with an id {@code child-<n>}.
 *
 * <p>Arguments: the server's port, the store's name, the partitions, the tally's id. Prints {@code ready} once it owns
 * the tally's partition, then at every change of that ownership and
 * every 100 ms {@code state <owns> <local> <forwarded> <served> <withoutOwner>
 * <answered>}: whether it owns the tally's partition, its {@link RoutingCounts}, and how many of its own commands were
 * answered. Runs until it is killed, or until its standard input closes (the test's JVM ended).
 */
public final class RoutedOwnerProcess {
    private RoutedOwnerProcess() {}

    public static void main(String[] args) throws Exception {
        Thread orphaned = new Thread(
                () -> { // the test's JVM died (its end of stdin closed): never outlive it
                    try {
                        while (System.in.read() >= 0) {
                            // nothing is sent; read until the end
                        }
                    } catch (java.io.IOException e) {
                        // closed as well
                    }
                    Runtime.getRuntime().halt(1);
                });
        orphaned.setDaemon(true);
        orphaned.start();
        int port = Integer.parseInt(args[0]);
        String store = args[1];
        int partitions = Integer.parseInt(args[2]);
        String tally = args[3];
        int partition = dev.verdict.projection.Partition.of(dev.verdict.store.EntityRef.of("tally", tally), partitions)
                .index();
        RoutedInstance instance = new RoutedInstance(port, store, partitions, Duration.ofSeconds(1), false);
        while (!instance.owns(partition)) {
            Thread.sleep(20);
        }
        System.out.println("ready");
        AtomicLong answered = new AtomicLong();
        Thread sender = new Thread(() -> {
            for (long n = 1; ; n++) {
                CommandContext context = CommandContext.withCommandId("child-" + n);
                while (true) {
                    try {
                        instance.tallies.handle(tally, new Tally.Count(Integer.MAX_VALUE), context);
                        answered.incrementAndGet();
                        break;
                    } catch (RuntimeException e) { // outcome unknown: the same id again
                        sleep(50);
                    }
                }
                sleep(20);
            }
        });
        sender.setDaemon(true);
        sender.start();
        boolean owned = true;
        for (long tick = 0; ; tick++) {
            boolean owns = instance.owns(partition);
            if (owns != owned || tick % 20 == 0) { // every change of ownership at once, else every 100 ms
                owned = owns;
                RoutingCounts c = instance.routing.counts();
                System.out.println("state " + owns + " " + c.local() + " " + c.forwarded() + " " + c.served() + " "
                        + c.decidedWithoutOwner() + " " + answered.get());
            }
            Thread.sleep(5);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
