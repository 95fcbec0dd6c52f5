package dev.verdict.store.internal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class AppendArgumentsTest {
    private static final EntityRef RX = EntityRef.of("prescription", "rx-42");
    private static final CommandContext CONTEXT = CommandContext.create();

    @Test
    void acceptsAnAppendOfOneEventOnANewEntity() {
        assertThatCode(() -> AppendArguments.require(RX, 0, List.of("event"), CONTEXT))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesANegativeExpectedVersionSayingWhich() {
        assertThatThrownBy(() -> AppendArguments.require(RX, -1, List.of("event"), CONTEXT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expectedVersion must be >= 0, was -1");
    }

    @Test
    void refusesAnEmptyAppend() {
        assertThatThrownBy(() -> AppendArguments.require(RX, 0, List.of(), CONTEXT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one event");
    }

    @Test
    void refusesAMissingArgumentNamingIt() {
        assertThatThrownBy(() -> AppendArguments.require(null, 0, List.of("event"), CONTEXT))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("entity");
        assertThatThrownBy(() -> AppendArguments.require(RX, 0, null, CONTEXT))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("events");
        assertThatThrownBy(() -> AppendArguments.require(RX, 0, List.of("event"), null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("context");
    }
}
