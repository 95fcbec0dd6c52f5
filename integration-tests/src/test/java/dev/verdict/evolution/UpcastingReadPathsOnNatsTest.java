package dev.verdict.evolution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.ProcessManager;
import dev.verdict.evolution.Shelf.Event;
import dev.verdict.nats.NatsProjections;
import dev.verdict.projection.Projection;
import dev.verdict.projection.ProjectionRunner;
import dev.verdict.projection.SubjectFilter;
import dev.verdict.projection.process.ProcessProjection;
import dev.verdict.store.Category;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventCodec;
import dev.verdict.store.EventStore;
import dev.verdict.store.StateCodec;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsProcessStates;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link UpcastingReadPathsContract} on NATS JetStream, and a process manager reacting to a split event. */
class UpcastingReadPathsOnNatsTest extends UpcastingReadPathsContract {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final AtomicInteger STORES = new AtomicInteger();

    private Connection nc;
    private NatsEventStore store;

    @BeforeEach
    void open() throws Exception {
        nc = NATS.server().connect();
        store = NatsEventStore.create(nc, NatsEventStoreConfig.of("upcasting" + STORES.incrementAndGet()));
    }

    @AfterEach
    void close() throws Exception {
        nc.close();
    }

    @Override
    EventStore store() {
        return store;
    }

    @Override
    @SuppressWarnings("unchecked")
    <E> ProjectionRunner.Builder<E> runner(SubjectFilter filter, Projection<E> projection, Class<E> type) {
        return NatsProjections.runner(nc, filter, (EventCodec<E>) Shelf.EVENTS, projection);
    }

    /** Counts the events it saw; notes each count with the number of events seen before it. */
    private static final ProcessManager<Event, Integer, String> NOTE_COUNTS = new ProcessManager<>() {
        @Override
        public Integer initialState() {
            return 0;
        }

        @Override
        public Integer evolve(Integer seen, Event event) {
            return seen + 1;
        }

        @Override
        public List<String> react(Integer seen, Event event) {
            return event instanceof Shelf.Counted c ? List.of("counted " + c.counted() + " after " + seen) : List.of();
        }
    };

    private static final StateCodec<Integer> INT_STATE = new StateCodec<>() {
        @Override
        public byte[] encode(Integer state) {
            return Integer.toString(state).getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public Integer decode(byte[] bytes) {
            return Integer.parseInt(new String(bytes, StandardCharsets.US_ASCII));
        }

        @Override
        public String fingerprint() {
            return "int-v1";
        }
    };

    @Test
    void aProcessManagerReactsToEachEventOfASplitMessageInOrderWithDistinctCommandIds() throws Exception {
        appendOld(store, "s1", Shelf.OLD_HISTORY);
        List<String> sent = new CopyOnWriteArrayList<>();
        List<String> ids = new CopyOnWriteArrayList<>();
        ProcessProjection<Event, Integer, String> process = ProcessProjection.of(
                NatsProcessStates.open(nc),
                "notes" + STORES.incrementAndGet(),
                NOTE_COUNTS,
                INT_STATE,
                c -> EntityRef.of("note", "n1"),
                (target, command, context) -> {
                    sent.add(command);
                    ids.add(context.commandId());
                });
        ProjectionRunner<Event> runner = NatsProjections.runner(
                        nc, SubjectFilter.category(store.name(), Category.of("shelf")), Shelf.EVENTS, process)
                .build();
        runner.start();
        try {
            runner.caughtUp().get(30, TimeUnit.SECONDS);
        } finally {
            runner.stop();
        }

        assertThat(sent).containsExactly("counted 10 after 2"); // the split's first event evolved before the second
        assertThat(process.state()).isEqualTo(4); // the dropped message evolved nothing
        assertThat(ids).doesNotHaveDuplicates();
    }
}
