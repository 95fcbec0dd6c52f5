package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EntityVersion;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An append across entities whose answer cannot be used reports the outcome as unknown ({@link
 * EventStoreUnavailable}: re-send with the same command id), like a one-entity append – never as a definite failure.
 * The answers come from a real responder on a real server that took the stream's place: the stream is deleted after
 * the store was created and a plain subscriber answers the publishes the way a confused server or an intermediary
 * could.
 */
class AppendAcrossUnknownOutcomeTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final AtomicInteger STORES = new AtomicInteger();

    private final EntityRef rx = EntityRef.of("prescription", "rx-1");
    private final EntityRef stock = EntityRef.of("stock", "aspirin");

    @Test
    void anUnreadableAcknowledgementIsAnUnknownOutcome() throws Exception {
        assertUnknownWhenAnswered(commit -> "this is not an acknowledgement");
    }

    @Test
    void aBatchAcknowledgedWithAnotherMessageCountIsAnUnknownOutcome() throws Exception {
        assertUnknownWhenAnswered(commit -> commit ? "{\"stream\":\"x\",\"seq\":7,\"batch\":\"b\",\"count\":1}" : "");
    }

    @Test
    void aOneEntityAppendWithAnUnreadableAcknowledgementIsAnUnknownOutcome() throws Exception {
        Function<Boolean, String> garbage = commit -> "this is not an acknowledgement";
        withImpostor(garbage, store -> {
            assertThatThrownBy(() -> store.append(rx, 0, List.of(event("Dispensed")), CommandContext.create()))
                    .isInstanceOf(EventStoreUnavailable.class)
                    .hasMessageContaining("may or may not be stored");
            assertThatThrownBy(() -> store.append(
                            rx, 0, List.of(event("Dispensed"), event("Dispensed")), CommandContext.create()))
                    .isInstanceOf(EventStoreUnavailable.class)
                    .hasMessageContaining("may or may not be stored");
        });
    }

    private void assertUnknownWhenAnswered(Function<Boolean, String> answer) throws Exception {
        withImpostor(answer, store -> {
            List<EntityEvent> events =
                    List.of(new EntityEvent(rx, event("Dispensed")), new EntityEvent(stock, event("Withdrawn")));
            assertThatThrownBy(() -> store.appendAcross(
                            List.of(new EntityVersion(rx, 0), new EntityVersion(stock, 0)),
                            events,
                            CommandContext.create()))
                    .isInstanceOf(EventStoreUnavailable.class)
                    .hasMessageContaining("may or may not be stored");
        });
    }

    private static EncodedEvent event(String type) {
        return new EncodedEvent(type, 1, "{}".getBytes(StandardCharsets.UTF_8));
    }

    private static void withImpostor(Function<Boolean, String> answer, Consumer<NatsEventStore> check)
            throws Exception {
        String name = "unknown" + STORES.incrementAndGet();
        NatsEventStore store = NatsEventStore.create(NATS.connection(), NatsEventStoreConfig.of(name));
        NATS.connection().jetStreamManagement().deleteStream(name);
        try (Connection impostor = NATS.server().connect()) {
            Dispatcher dispatcher = impostor.createDispatcher(m -> reply(impostor, m, answer));
            dispatcher.subscribe(name + ".>");
            impostor.flush(Duration.ofSeconds(2));
            check.accept(store);
        }
    }

    private static void reply(Connection connection, Message message, Function<Boolean, String> answer) {
        if (message.getReplyTo() == null) {
            return;
        }
        boolean commit = message.getHeaders() != null && message.getHeaders().containsKey("Nats-Batch-Commit");
        connection.publish(message.getReplyTo(), answer.apply(commit).getBytes(StandardCharsets.UTF_8));
    }
}
