package dev.verdict.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.decider.EntityKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A decider's {@link EntityKey} and the store's {@link EntityRef} accept exactly the same names. */
class OneRuleForNamesTest {
    private static final List<String> CATEGORIES = List.of(
            "inventory",
            "billing.invoice",
            "a.b.c.d.e.f.g.h",
            "a.b.c.d.e.f.g.h.i",
            "inventory.",
            ".inventory",
            "inv*",
            "inv>",
            "inv ory",
            "invéntory",
            "inv$",
            "",
            "x".repeat(128),
            "x".repeat(129));
    private static final List<String> IDS = List.of(
            "rx-42",
            "rx_42",
            "rx.42",
            "rx*",
            "rx>",
            "rx 42",
            "rx\t",
            "rx:42",
            "rx@x",
            "ümlaut",
            "",
            "y".repeat(128),
            "y".repeat(129));

    @Test
    void keyAndRefAcceptTheSameNamesAndRefuseWithTheSameMessage() {
        for (String category : CATEGORIES) {
            for (String id : IDS) {
                String refProblem = problem(() -> EntityRef.of(category, id));
                String keyProblem = problem(() -> EntityKey.of(category, id));
                assertThat(keyProblem).as("%s/%s", category, id).isEqualTo(refProblem);
            }
        }
        assertThat(problem(() -> EntityKey.of("billing.invoice", "inv-1"))).isEmpty();
        assertThat(problem(() -> EntityKey.of("inventory", "rx.42")))
                .contains("'.' (the NATS subject token separator)");
    }

    @Test
    void aKeyOfARefIsTheRefItCameFrom() {
        EntityRef ref = EntityRef.of("billing.invoice", "inv-1");
        EntityKey key = EntityKey.of(ref.category().value(), ref.id().value());
        assertThat(EntityRef.of(key.category(), key.id())).isEqualTo(ref);
        assertThatThrownBy(() -> EntityKey.of(null, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    private static String problem(Runnable make) {
        try {
            make.run();
            return "";
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
