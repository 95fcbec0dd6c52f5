package dev.verdict.testing.decider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.CombinedState;
import dev.verdict.decider.Decider;
import dev.verdict.decider.DomainRejection;
import dev.verdict.testing.DeciderSpec;
import dev.verdict.testing.bank.Account;
import dev.verdict.testing.bank.AccountCommand;
import dev.verdict.testing.bank.AccountEvent;
import dev.verdict.testing.bank.BankAccount;
import dev.verdict.testing.bank.InsufficientFunds;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeciderCombinatorsTest {
    sealed interface CounterCommand {
        record Add(int amount) implements CounterCommand {}
    }

    sealed interface CounterEvent {
        record Added(int amount) implements CounterEvent {}
    }

    record Counter(int value) {}

    static final class LimitReached extends DomainRejection {
        private static final long serialVersionUID = 1L;

        LimitReached() {
            super("counter.limit", "the counter cannot exceed 10");
        }
    }

    static final Decider<CounterCommand, Counter, CounterEvent> COUNTER = Decider.of(
            new Counter(0),
            (command, state) -> {
                int amount = ((CounterCommand.Add) command).amount();
                if (state.value() + amount > 10) {
                    throw new LimitReached();
                }
                return List.of(new CounterEvent.Added(amount));
            },
            (state, event) -> new Counter(state.value() + ((CounterEvent.Added) event).amount()),
            state -> state.value() == 10);

    static final Decider<Object, Counter, Object> WIDE_COUNTER =
            Decider.widen(COUNTER, CounterCommand.class, CounterEvent.class);
    static final Decider<Object, Account, Object> WIDE_ACCOUNT =
            Decider.widen(BankAccount.DECIDER, AccountCommand.class, AccountEvent.class);
    static final Decider<Object, CombinedState<Counter, Account>, Object> BOTH =
            Decider.combine(WIDE_COUNTER, WIDE_ACCOUNT);

    @Test
    void widenedDeciderDecidesNothingForForeignCommands() {
        DeciderSpec.of(WIDE_COUNTER)
                .givenNothing()
                .when("not a counter command")
                .thenNothingHappened();
    }

    @Test
    void widenedDeciderIgnoresForeignEvents() {
        DeciderSpec.of(WIDE_COUNTER)
                .given(new CounterEvent.Added(3), "not a counter event")
                .when(new CounterCommand.Add(1))
                .then(new CounterEvent.Added(1))
                .thenStateEquals(new Counter(4));
    }

    @Test
    void widenedDeciderKeepsItsRejectionsAndTerminalStates() {
        DeciderSpec.of(WIDE_COUNTER)
                .given(new CounterEvent.Added(9))
                .when(new CounterCommand.Add(2))
                .thenRejected("counter.limit");
        assertThat(WIDE_COUNTER.isTerminal(new Counter(10))).isTrue();
    }

    @Test
    void combinedDeciderRoutesEachCommandToItsPart() {
        DeciderSpec.of(BOTH)
                .givenNothing()
                .when(new CounterCommand.Add(2))
                .then(new CounterEvent.Added(2))
                .and()
                .when(new AccountCommand.Open("alice"))
                .then(new AccountEvent.Opened("alice"))
                .thenStateEquals(new CombinedState<>(new Counter(2), new Account(Account.Status.OPEN, "alice", 0)));
    }

    @Test
    void combinedDeciderRejectsWhenAPartRejects() {
        DeciderSpec.of(BOTH)
                .given(new AccountEvent.Opened("alice"))
                .when(new AccountCommand.Withdraw(5))
                .thenRejected(InsufficientFunds.class);
    }

    @Test
    void combinedDeciderConcatenatesEventsOfBothPartsFirstThenSecond() {
        Decider<Integer, Integer, String> doubler = Decider.of(0, (c, s) -> List.of("double " + c), (s, e) -> s + 1);
        Decider<Integer, Integer, String> echo = Decider.of(0, (c, s) -> List.of("echo " + c), (s, e) -> s + 2);

        DeciderSpec.of(Decider.combine(doubler, echo))
                .givenNothing()
                .when(7)
                .then("double 7", "echo 7")
                .thenStateEquals(new CombinedState<>(2, 4));
    }

    @Test
    void combinedDeciderIsTerminalOnlyWhenBothPartsAre() {
        Account closed = new Account(Account.Status.CLOSED, "alice", 0);

        assertThat(BOTH.isTerminal(new CombinedState<>(new Counter(10), closed)))
                .isTrue();
        assertThat(BOTH.isTerminal(new CombinedState<>(new Counter(9), closed))).isFalse();
    }

    record ApiRequest(String kind, int amount) {}

    @Test
    void mappedCommandsAreTranslatedOrIgnored() {
        Decider<ApiRequest, Counter, CounterEvent> api =
                COUNTER.mapCommand(request -> request.kind().equals("add")
                        ? Optional.of(new CounterCommand.Add(request.amount()))
                        : Optional.empty());

        DeciderSpec.of(api).givenNothing().when(new ApiRequest("add", 2)).then(new CounterEvent.Added(2));
        DeciderSpec.of(api).givenNothing().when(new ApiRequest("ping", 0)).thenNothingHappened();
    }
}
