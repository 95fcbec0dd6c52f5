package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.InvalidIdentifier;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** No event may land on a wildcard or on another entity's subject: bad ids are refused before any publish. */
class InvalidIdentifierTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static Connection nc;
    private static NatsEventStore store;

    @BeforeAll
    static void connect() throws Exception {
        nc = NATS.server().connect();
        store = NatsEventStore.create(nc, NatsEventStoreConfig.of("ids"));
    }

    @AfterAll
    static void close() throws Exception {
        nc.close();
    }

    static Stream<Arguments> invalidIds() {
        return Stream.of(
                Arguments.of("a.b", "'.' (the NATS subject token separator)"),
                Arguments.of("*", "a NATS wildcard"),
                Arguments.of(">", "a NATS wildcard"),
                Arguments.of(" ", "whitespace"),
                Arguments.of("", "must not be empty"),
                Arguments.of("x".repeat(1000), "1000 characters long"),
                Arguments.of("rx\n42", "whitespace"),
                Arguments.of("rx\u000142", "control character"));
    }

    @ParameterizedTest
    @MethodSource("invalidIds")
    void anInvalidIdIsRefusedAndNothingReachesTheStream(String id, String reason) throws Exception {
        EncodedEvent event = new EncodedEvent("Dispensed", 1, "{}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() ->
                        store.append(EntityRef.of("prescription", id), 0, List.of(event), CommandContext.create()))
                .isInstanceOf(InvalidIdentifier.class)
                .hasMessageContaining("entity id")
                .hasMessageContaining(reason);
        assertThat(nc.jetStreamManagement()
                        .getStreamInfo("ids")
                        .getStreamState()
                        .getMsgCount())
                .isZero();
    }

    /** The same, except {@code a.b}: in a category, '.' separates the tokens of a hierarchical category. */
    static Stream<Arguments> invalidCategoryTokens() {
        return invalidIds().filter(a -> !"a.b".equals(a.get()[0]));
    }

    @ParameterizedTest
    @MethodSource("invalidCategoryTokens")
    void anInvalidCategoryTokenIsRefused(String token, String reason) {
        assertThatThrownBy(() -> EntityRef.of("billing." + token, "inv-1"))
                .isInstanceOf(InvalidIdentifier.class)
                .hasMessageContaining("category");
    }
}
