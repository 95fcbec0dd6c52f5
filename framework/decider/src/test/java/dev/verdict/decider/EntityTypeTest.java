package dev.verdict.decider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An entity type names its entities by its one category and folds them with its one decider, wherever it is used. */
class EntityTypeTest {
    record Deposit(int amount) {}

    private static final Decider<Integer, Integer, Deposit> ACCOUNT =
            Decider.of(0, (amount, balance) -> List.of(new Deposit(amount)), (balance, d) -> balance + d.amount());

    private static final EntityType<Integer, Integer, Deposit> ACCOUNTS = EntityType.of("bank.account", ACCOUNT);

    record Transfer(String from, String label) {}

    @Test
    void keysReadsAndChosenReadsNameTheTypesCategory() {
        Transfer transfer = new Transfer("acc-1", "acc-2");

        assertThat(ACCOUNTS.key("acc-1")).isEqualTo(EntityKey.of("bank.account", "acc-1"));

        EntityRead<Transfer, Integer, Deposit> from = ACCOUNTS.read(Transfer::from);
        assertThat(from.category()).isEqualTo("bank.account");
        assertThat(from.keyOf(transfer)).isEqualTo(EntityKey.of("bank.account", "acc-1"));

        ChosenRead<Transfer, Integer, Integer, Deposit> to =
                ACCOUNTS.chosenRead((Transfer t, Integer balance) -> Optional.of(t.label()));
        assertThat(to.category()).isEqualTo("bank.account");
        assertThat(to.keyOf(transfer, 0)).contains(EntityKey.of("bank.account", "acc-2"));
    }

    @Test
    void readsFoldWithTheTypesOwnDeciderInstance() {
        // the runtime shares an entity's cached state with a decision only when both fold with the same instance
        assertThat(ACCOUNTS.decider()).isSameAs(ACCOUNT);
        assertThat(ACCOUNTS.read(Transfer::from).decider()).isSameAs(ACCOUNT);
        assertThat(ACCOUNTS.chosenRead((Transfer t, Integer b) -> Optional.<String>empty())
                        .decider())
                .isSameAs(ACCOUNT);
    }

    @Test
    void refusesAnInvalidCategoryWhenDeclaredAndAnInvalidIdWhenKeyed() {
        assertThatThrownBy(() -> EntityType.of("bank account", ACCOUNT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("whitespace");
        assertThatThrownBy(() -> EntityType.of("", ACCOUNT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ACCOUNTS.key("acc.1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'.'");
    }
}
