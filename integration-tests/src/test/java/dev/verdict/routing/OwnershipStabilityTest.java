package dev.verdict.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.runtime.Outcome;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import dev.verdict.testing.nats.NatsServerExtension;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ownership of 16 partitions among three live instances on a real nats-server: an alive owner keeps its pins, and the
 * instances balance the partitions among them and then stay put. What the server does is watched through its pinned
 * and unpinned advisories ({@link PinProbe}).
 */
class OwnershipStabilityTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final int PARTITIONS = 16;
    private static final int NO_LIMIT = Integer.MAX_VALUE;
    private static final Duration WATCHED = RoutedInstance.FAILOVER.multipliedBy(4);

    private final List<RoutedInstance> instances = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> senders = new ArrayList<>();

    @AfterEach
    void closeInstances() throws Exception {
        stop.set(true);
        for (Thread t : senders) {
            t.join(30_000);
        }
        for (RoutedInstance i : instances) {
            i.close();
        }
    }

    private RoutedInstance start(String store, boolean balanced) throws Exception {
        RoutedInstance i = new RoutedInstance(
                URI.create(NATS.server().url()).getPort(), store, PARTITIONS, Duration.ofSeconds(5), balanced);
        instances.add(i);
        return i;
    }

    /** Per partition, which instances (by their index) believe they own it. */
    private String owners() {
        return IntStream.range(0, PARTITIONS)
                .mapToObj(p -> IntStream.range(0, instances.size())
                        .filter(i -> instances.get(i).owns(p))
                        .mapToObj(Integer::toString)
                        .collect(Collectors.joining("", "", "")))
                .collect(Collectors.joining(" ", "[", "]"));
    }

    private long ownedBy(RoutedInstance i) {
        return IntStream.range(0, PARTITIONS).filter(i::owns).count();
    }

    private boolean eachOwnedOnce() {
        return IntStream.range(0, PARTITIONS)
                .allMatch(p -> instances.stream().filter(i -> i.owns(p)).count() == 1);
    }

    @Test
    void pinsOfThreeLiveIdleInstancesDoNotMove() throws Exception {
        try (PinProbe probe = new PinProbe(NATS.connection(), "idle")) {
            RoutedInstance first = start("idle", false);
            waitUntil(
                    Duration.ofSeconds(30), () -> IntStream.range(0, PARTITIONS).allMatch(first::owns));
            start("idle", false);
            start("idle", false);
            String before = owners();
            int unpinsBefore = probe.unpins().size();

            List<String> seen = watchOwners(WATCHED);

            assertThat(probe.unpins().subList(unpinsBefore, probe.unpins().size()))
                    .as("the server unpinned an alive owner")
                    .isEmpty();
            assertThat(seen).as("owners over %s", WATCHED).containsOnly(before);
        }
    }

    @Test
    void threeInstancesStartedOneAfterAnotherEachOwnFiveOrSixThenStayPut() throws Exception {
        Map<String, Outcome<?, ?>> answers = new ConcurrentHashMap<>();
        Map<String, Throwable> failures = new ConcurrentHashMap<>();
        try (PinProbe probe = new PinProbe(NATS.connection(), "balanced")) {
            RoutedInstance first = start("balanced", true);
            waitUntil(
                    Duration.ofSeconds(30), () -> IntStream.range(0, PARTITIONS).allMatch(first::owns));
            send(first, answers, failures);
            Thread.sleep(RoutedInstance.FAILOVER.toMillis());
            send(start("balanced", true), answers, failures);
            Thread.sleep(RoutedInstance.FAILOVER.toMillis());
            long third = System.nanoTime();
            send(start("balanced", true), answers, failures);

            Duration bound = Duration.ofSeconds(90); // on a machine at load 20-40; see the time printed
            waitUntil(
                    bound,
                    () -> eachOwnedOnce() && instances.stream().allMatch(i -> ownedBy(i) >= 5 && ownedBy(i) <= 6),
                    this::owners);
            System.out.printf(
                    "OwnershipStabilityTest: balanced %s %.1f s after the third instance started%n",
                    owners(), (System.nanoTime() - third) / 1e9);
            String balanced = owners();
            int unpinsBefore = probe.unpins().size();

            List<String> seen = watchOwners(WATCHED);

            assertThat(seen).as("owners over %s once balanced", WATCHED).containsOnly(balanced);
            assertThat(probe.unpins().subList(unpinsBefore, probe.unpins().size()))
                    .isEmpty();
        }
        stop.set(true);
        for (Thread t : senders) {
            t.join(30_000);
        }
        assertThat(failures).isEmpty();
        assertThat(answers).hasSizeGreaterThan(50);
        assertThat(answers.values()).allSatisfy(o -> assertThat(o.isAccepted()).isTrue());
        List<String> stored = new ArrayList<>();
        for (int n = 0; n < 32; n++) {
            instances.get(0).store.readAll(EntityRef.of("tally", "t-" + n), ReadRange.all()).stream()
                    .map(RecordedEvent::commandId)
                    .forEach(stored::add);
        }
        assertThat(stored).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(answers.keySet());
    }

    @Test
    void whenABalancedOwnerDiesTheOthersOwnItsPartitionsWithinTheTakeOverBound() throws Exception {
        RoutedInstance first = start("dies", true);
        waitUntil(Duration.ofSeconds(30), () -> IntStream.range(0, PARTITIONS).allMatch(first::owns));
        start("dies", true);
        start("dies", true);
        waitUntil(
                Duration.ofSeconds(90),
                () -> eachOwnedOnce() && instances.stream().allMatch(i -> ownedBy(i) >= 5 && ownedBy(i) <= 6),
                this::owners);
        // the one owning 6 dies: the other two own their share (5 of 16 among 3, ceiling 6) and take one each at
        // once; the other 4 only once they count two instances (the dead one unheard for failoverAfter)
        RoutedInstance dead =
                instances.stream().filter(i -> ownedBy(i) == 6).findFirst().orElseThrow();
        List<RoutedInstance> survivors =
                instances.stream().filter(i -> i != dead).toList();
        dead.kill();
        long killed = System.nanoTime();
        waitUntil(
                dead.routing.ownership().takeOverBound().plusSeconds(5),
                () -> IntStream.range(0, PARTITIONS)
                        .allMatch(p -> survivors.stream().filter(i -> i.owns(p)).count() == 1),
                this::owners);
        Duration takeOver = Duration.ofNanos(System.nanoTime() - killed);
        System.out.printf(
                "OwnershipStabilityTest: all 16 owned by the survivors %.1f s after the kill (bound %s)%n",
                takeOver.toMillis() / 1e3, dead.routing.ownership().takeOverBound());
        assertThat(takeOver).isLessThan(dead.routing.ownership().takeOverBound().plusSeconds(2));
    }

    @Test
    void whenAnOwnerOfAllDiesBeforeBalancingTheOthersOwnItsPartitionsWithinTheTakeOverBound() throws Exception {
        RoutedInstance first = start("diesearly", true);
        waitUntil(Duration.ofSeconds(30), () -> IntStream.range(0, PARTITIONS).allMatch(first::owns));
        List<RoutedInstance> survivors = List.of(start("diesearly", true), start("diesearly", true));
        Thread.sleep(RoutedInstance.FAILOVER.toMillis() / 2); // all heard of each other; no hand-over yet
        // three instances live: the survivors stop competing at 6 each, and take the last 4 once they count two
        try (PinProbe probe = new PinProbe(NATS.connection(), "diesearly")) {
            first.kill();
            long killed = System.nanoTime();
            // on failure: who believes what, the connections' states and what the server did (for a diagnosis)
            waitUntil(
                    first.routing.ownership().takeOverBound().plusSeconds(10),
                    () -> IntStream.range(0, PARTITIONS)
                            .allMatch(p ->
                                    survivors.stream().filter(i -> i.owns(p)).count() == 1),
                    () -> owners() + " connections "
                            + instances.stream()
                                    .map(i -> i.connection.getStatus().toString())
                                    .toList() + " server: " + String.join("\n", probe.log()));
            assertTakenOverInTime(killed, first);
        }
    }

    /** Measures since {@code killed}: all its partitions are owned by the survivors now. */
    private void assertTakenOverInTime(long killed, RoutedInstance first) {
        Duration takeOver = Duration.ofNanos(System.nanoTime() - killed);
        System.out.printf(
                "OwnershipStabilityTest: all 16 of the first owned by the survivors %.1f s after the kill (bound %s)%n",
                takeOver.toMillis() / 1e3, first.routing.ownership().takeOverBound());
        assertThat(takeOver)
                .isLessThan(first.routing.ownership().takeOverBound().plusSeconds(2));
    }

    /** Sends commands through the instance, one after the other, on 32 tallies spread over the partitions. */
    private void send(RoutedInstance i, Map<String, Outcome<?, ?>> answers, Map<String, Throwable> failures) {
        Thread sender = new Thread(() -> {
            for (int n = 0; !stop.get(); n++) {
                CommandContext context = CommandContext.create();
                try {
                    answers.put(
                            context.commandId(), i.tallies.handle("t-" + (n % 32), new Tally.Count(NO_LIMIT), context));
                } catch (RuntimeException e) {
                    failures.put(context.commandId(), e);
                }
            }
        });
        sender.setDaemon(true);
        sender.start();
        senders.add(sender);
    }

    /** The distinct ownerships seen, polled every 50 ms, over {@code period}. */
    private List<String> watchOwners(Duration period) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() - end < 0) {
            String now = owners();
            if (!seen.contains(now)) {
                seen.add(now);
            }
            Thread.sleep(50);
        }
        return seen;
    }

    private static void waitUntil(Duration limit, java.util.function.BooleanSupplier condition) throws Exception {
        waitUntil(limit, condition, () -> "");
    }

    private static void waitUntil(
            Duration limit, java.util.function.BooleanSupplier condition, java.util.function.Supplier<String> state)
            throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("not within " + limit + " " + state.get());
            }
            Thread.sleep(50);
        }
    }
}
