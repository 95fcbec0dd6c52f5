package dev.verdict.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.projection.Partition;
import dev.verdict.runtime.Outcome;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import dev.verdict.testing.nats.NatsServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Owner-routed commands on a real nats-server: three instances, each with its own connection, runtime and ownership.
 * Every command's fate is checked in the stream itself: each command id stored once, the tally's numbers without a gap
 * or a repeat.
 */
class OwnerRoutedCommandsTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final int PARTITIONS = 4;
    private static final String ID = "t-1";
    private static final int NO_LIMIT = Integer.MAX_VALUE;

    private final List<RoutedInstance> instances = new ArrayList<>();

    @AfterEach
    void closeInstances() throws Exception {
        for (RoutedInstance i : instances) {
            i.close();
        }
    }

    /** Unbalanced: these tests are about one owner that stays (OwnershipBalanceTest shows the balancing). */
    private RoutedInstance start(String store, Duration requestTimeout) throws Exception {
        RoutedInstance i = new RoutedInstance(
                java.net.URI.create(NATS.server().url()).getPort(), store, PARTITIONS, requestTimeout, false);
        instances.add(i);
        return i;
    }

    private static int partition() {
        return Partition.of(EntityRef.of("tally", ID), PARTITIONS).index();
    }

    /** The first instance started alone owns every partition; the others forward to it. */
    private List<RoutedInstance> ownerAndTwoOthers(String store, Duration requestTimeout) throws Exception {
        RoutedInstance owner = start(store, requestTimeout);
        waitUntil(Duration.ofSeconds(10), () -> owner.owns(partition()));
        return List.of(owner, start(store, requestTimeout), start(store, requestTimeout));
    }

    @Test
    void commandsOfThreeInstancesOnOneEntityAreDecidedByItsOwnerEachAppliedOnce() throws Exception {
        List<RoutedInstance> three = ownerAndTwoOthers("routed1", Duration.ofSeconds(5));
        Map<String, CompletableFuture<Outcome<Tally, Tally.Event>>> sent = new ConcurrentHashMap<>();
        for (int n = 0; n < 20; n++) {
            for (RoutedInstance i : three) {
                CommandContext context = CommandContext.create();
                sent.put(context.commandId(), i.tallies.handleAsync(ID, new Tally.Count(NO_LIMIT), context));
            }
        }
        CompletableFuture.allOf(sent.values().toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        assertThat(sent.values())
                .allSatisfy(f -> assertThat(f.join().isAccepted()).isTrue());
        List<RecordedEvent> stored = three.get(0).store.readAll(EntityRef.of("tally", ID), ReadRange.all());
        assertThat(stored.stream().map(RecordedEvent::commandId)).containsExactlyInAnyOrderElementsOf(sent.keySet());
        assertThat(three.get(0).routing.counts()).isEqualTo(new RoutingCounts(20, 0, 40, 0));
        assertThat(three.get(1).routing.counts()).isEqualTo(new RoutingCounts(0, 20, 0, 0));
        assertThat(three.get(2).routing.counts()).isEqualTo(new RoutingCounts(0, 20, 0, 0));

        Outcome<Tally, Tally.Event> full = three.get(1).tallies.handle(ID, new Tally.Count(60));
        assertThat(full).isInstanceOfSatisfying(Outcome.Rejected.class, r -> {
            assertThat(r.rejection()).isInstanceOf(ForwardedRejection.class);
            assertThat(r.rejection().code()).isEqualTo("tally.full");
            assertThat(r.version()).isEqualTo(stored.get(stored.size() - 1).sequence());
        });
        assertThat(full.state()).isEqualTo(new Tally(60));
    }

    @Test
    void whenTheOwnerDiesMidLoadAnotherTakesOverAndNoCommandIsLostOrAppliedTwice() throws Exception {
        List<RoutedInstance> three = ownerAndTwoOthers("routed2", Duration.ofSeconds(1));
        RoutedInstance owner = three.get(0);
        Map<String, Outcome<Tally, Tally.Event>> survivorsAnswers = new ConcurrentHashMap<>();
        Map<String, Throwable> survivorsFailures = new ConcurrentHashMap<>();
        Set<String> sentByOwner = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> senders = new ArrayList<>();
        for (RoutedInstance i : three) {
            for (int t = 0; t < 3; t++) {
                Thread sender = new Thread(() -> {
                    while (!stop.get()) {
                        CommandContext context = CommandContext.create();
                        if (i == owner) {
                            sentByOwner.add(context.commandId());
                        }
                        try {
                            Outcome<Tally, Tally.Event> o = i.tallies.handle(ID, new Tally.Count(NO_LIMIT), context);
                            if (i != owner) {
                                survivorsAnswers.put(context.commandId(), o);
                            }
                        } catch (RuntimeException e) {
                            if (i != owner) {
                                survivorsFailures.put(context.commandId(), e);
                            }
                        }
                    }
                });
                sender.setDaemon(true);
                sender.start();
                senders.add(sender);
            }
        }
        Thread.sleep(1000);
        long forwardedBefore = three.get(1).routing.counts().forwarded()
                + three.get(2).routing.counts().forwarded();
        owner.kill();
        long killed = System.nanoTime();
        waitUntil(
                owner.routing.ownership().takeOverBound().plusSeconds(5),
                () -> three.get(1).owns(partition()) || three.get(2).owns(partition()));
        Duration takeOver = Duration.ofNanos(System.nanoTime() - killed);
        Thread.sleep(1000);
        stop.set(true);
        for (Thread sender : senders.subList(3, senders.size())) { // the dead owner's threads may hang: left alone
            sender.join(15_000);
        }

        assertThat(forwardedBefore).isPositive();
        assertThat(survivorsFailures).isEmpty();
        assertThat(survivorsAnswers.values())
                .allSatisfy(o -> assertThat(o.isAccepted()).isTrue());
        List<RecordedEvent> stored = three.get(1).store.readAll(EntityRef.of("tally", ID), ReadRange.all());
        List<String> storedIds = stored.stream().map(RecordedEvent::commandId).collect(Collectors.toList());
        assertThat(storedIds).doesNotHaveDuplicates().containsAll(survivorsAnswers.keySet());
        assertThat(sentByOwner)
                .containsAll(storedIds.stream()
                        .filter(id -> !survivorsAnswers.containsKey(id))
                        .collect(Collectors.toList()));
        assertThat(stored.stream().map(e -> e.event().type())).allMatch("Counted"::equals);
        assertThat(three.get(1).tallies.handle().load(ID).state().count()).isEqualTo(stored.size());
        assertThat(takeOver)
                .isLessThan(owner.routing.ownership().takeOverBound().plusSeconds(2));
    }

    @Test
    void aForwardedCommandSentAgainAfterATimeoutIsAnsweredWithItsOriginalOutcome() throws Exception {
        List<RoutedInstance> three = ownerAndTwoOthers("routed3", Duration.ofMillis(500));
        RoutedInstance owner = three.get(0);
        RoutedInstance sender = three.get(1);
        sender.tallies.handle(ID, new Tally.Count(NO_LIMIT)); // warm: the entity exists, the owner has it cached
        CommandContext context = CommandContext.withCommandId("resent-1");

        sender.proxy.dropAnswers(true); // the owner's answers never reach the sender: it times out and sends again
        CompletableFuture<Outcome<Tally, Tally.Event>> outcome =
                sender.tallies.handleAsync(ID, new Tally.Count(NO_LIMIT), context);
        waitUntil(
                Duration.ofSeconds(5),
                () -> owner.routing.counts().served() >= 3,
                () -> owner.routing.counts() + " " + sender.routing.counts() + " "
                        + outcome); // warm-up, the send, a re-send
        sender.proxy.dropAnswers(false);
        Outcome<Tally, Tally.Event> answer = outcome.get(10, TimeUnit.SECONDS);

        List<RecordedEvent> stored = owner.store.readAll(EntityRef.of("tally", ID), ReadRange.all());
        assertThat(stored).hasSize(2);
        assertThat(stored.get(1).commandId()).isEqualTo("resent-1");
        assertThat(answer).isInstanceOfSatisfying(Outcome.Accepted.class, a -> {
            assertThat(a.duplicate()).isTrue();
            assertThat(a.events()).hasSize(1);
            assertThat(((dev.verdict.runtime.AppendedEvent<?>) a.events().get(0)).sequence())
                    .isEqualTo(stored.get(1).sequence());
        });
        assertThat(sender.routing.counts().forwarded()).isEqualTo(2);
        assertThat(sender.routing.counts().decidedWithoutOwner()).isZero();
        assertThat(IntStream.of(owner.tallies.handle().load(ID).state().count()))
                .containsExactly(2);
    }

    private static void waitUntil(Duration limit, BooleanSupplier condition) throws InterruptedException {
        waitUntil(limit, condition, () -> "");
    }

    private static void waitUntil(Duration limit, BooleanSupplier condition, java.util.function.Supplier<String> state)
            throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("not within " + limit + " " + state.get());
            }
            Thread.sleep(20);
        }
    }
}
