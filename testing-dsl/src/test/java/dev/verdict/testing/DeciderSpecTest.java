package dev.verdict.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.decider.Decider;
import dev.verdict.testing.bank.Account;
import dev.verdict.testing.bank.AccountCommand;
import dev.verdict.testing.bank.AccountCommand.Close;
import dev.verdict.testing.bank.AccountCommand.Deposit;
import dev.verdict.testing.bank.AccountCommand.Open;
import dev.verdict.testing.bank.AccountCommand.Withdraw;
import dev.verdict.testing.bank.AccountEvent;
import dev.verdict.testing.bank.AccountEvent.Closed;
import dev.verdict.testing.bank.AccountEvent.Deposited;
import dev.verdict.testing.bank.AccountEvent.Opened;
import dev.verdict.testing.bank.AccountEvent.Withdrawn;
import dev.verdict.testing.bank.AccountNotOpen;
import dev.verdict.testing.bank.BankAccount;
import dev.verdict.testing.bank.InsufficientFunds;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class DeciderSpecTest {
    private final DeciderSpec<AccountCommand, Account, AccountEvent> spec = DeciderSpec.of(BankAccount.DECIDER);

    @Nested
    class Then {
        @Test
        void passesWhenTheDecidedEventsAreExactlyTheExpectedOnes() {
            spec.given(new Opened("alice"), new Deposited(100))
                    .when(new Close())
                    .then(new Withdrawn(100), new Closed());
        }

        @Test
        void failureNamesGivenHistoryCommandExpectedActualAndTheFieldDifference() {
            assertThatThrownBy(() -> spec.given(new Opened("alice"), new Deposited(100))
                            .when(new Withdraw(30))
                            .then(new Withdrawn(50)))
                    .isInstanceOf(AssertionFailedError.class)
                    .hasMessageContaining("Expected 1 event but decide produced different ones.")
                    .hasMessageContaining("given: 2 events\n  1. Opened[owner=alice]\n  2. Deposited[amount=100]")
                    .hasMessageContaining("state before the command: Account[status=OPEN, owner=alice, balance=100]")
                    .hasMessageContaining("when: Withdraw[amount=30]")
                    .hasMessageContaining("expected: 1 event\n  1. Withdrawn[amount=50]")
                    .hasMessageContaining("actual: 1 event\n  1. Withdrawn[amount=30]")
                    .hasMessageContaining("event 1 (Withdrawn): amount: expected 50 but was 30");
        }

        @Test
        void failureNamesMissingAndUnexpectedEvents() {
            assertThatThrownBy(() -> spec.given(new Opened("alice"), new Deposited(100))
                            .when(new Close())
                            .then(new Closed()))
                    .hasMessageContaining("event 1 (Closed): expected a Closed but was a Withdrawn")
                    .hasMessageContaining("event 2: unexpected Closed[]");
        }

        @Test
        void failsWithTheRejectionWhenEventsWereExpected() {
            assertThatThrownBy(() -> spec.given(new Opened("alice"))
                            .when(new Withdraw(30))
                            .then(new Withdrawn(30)))
                    .hasMessageContaining(
                            "Expected 1 event, but the command was rejected: cannot withdraw 30," + " the balance is 0")
                    .hasMessageContaining("actual: rejected InsufficientFunds[account.insufficient-funds]");
        }

        @Test
        void failsNamingAnUnexpectedExceptionAsABug() {
            Decider<AccountCommand, Account, AccountEvent> buggy = Decider.of(
                    Account.NEW,
                    (c, s) -> {
                        throw new IllegalStateException("boom");
                    },
                    BankAccountEvolve::evolve);

            assertThatThrownBy(() -> DeciderSpec.of(buggy)
                            .givenNothing()
                            .when(new Open("alice"))
                            .then(new Opened("alice")))
                    .hasMessageContaining("but decide threw java.lang.IllegalStateException – a bug, not a rejection")
                    .hasMessageContaining("thrown: java.lang.IllegalStateException: boom")
                    .hasCauseInstanceOf(IllegalStateException.class);
        }
    }

    @Nested
    class Given {
        @Test
        void givenNothingStartsFromTheInitialState() {
            spec.givenNothing().when(new Open("alice")).then(new Opened("alice"));
        }

        @Test
        void givenStateStartsFromThatState() {
            spec.givenState(new Account(Account.Status.OPEN, "bob", 10))
                    .when(new Withdraw(10))
                    .then(new Withdrawn(10));
        }

        @Test
        void givenStateAppearsInTheFailureMessage() {
            assertThatThrownBy(() -> spec.givenState(new Account(Account.Status.OPEN, "bob", 10))
                            .when(new Withdraw(10))
                            .thenNothingHappened())
                    .hasMessageContaining("given state: Account[status=OPEN, owner=bob, balance=10]");
        }

        @Test
        void aHistoryThatEvolveRefusesFailsAtGiven() {
            Decider<AccountCommand, Account, AccountEvent> picky =
                    Decider.of(Account.NEW, (c, s) -> List.of(), (s, e) -> {
                        throw new IllegalArgumentException("no " + e);
                    });

            assertThatThrownBy(() -> DeciderSpec.of(picky).given(new Opened("alice")))
                    .hasMessageContaining("evolve threw on given event 1")
                    .hasMessageContaining("no Opened[owner=alice]");
        }
    }

    @Nested
    class NothingHappened {
        @Test
        void passesWhenTheCommandChangesNothing() {
            spec.given(new Opened("alice")).when(new Open("alice")).thenNothingHappened();
        }

        @Test
        void failsListingTheEventsThatHappened() {
            assertThatThrownBy(() ->
                            spec.given(new Opened("alice")).when(new Deposit(5)).thenNothingHappened())
                    .hasMessageContaining("Expected nothing to happen, but decide produced 1 event.")
                    .hasMessageContaining("actual: 1 event\n  1. Deposited[amount=5]");
        }

        @Test
        void aRejectionIsNotNothing() {
            assertThatThrownBy(() -> spec.givenNothing().when(new Deposit(5)).thenNothingHappened())
                    .hasMessageContaining(
                            "Expected nothing to happen, but the command was rejected: the account is new");
        }
    }

    @Nested
    class Rejected {
        @Test
        void passesOnTheRejectionType() {
            spec.given(new Opened("alice")).when(new Withdraw(1)).thenRejected(InsufficientFunds.class);
        }

        @Test
        void passesOnTheRejectionCode() {
            spec.given(new Opened("alice")).when(new Withdraw(1)).thenRejected("account.insufficient-funds");
        }

        @Test
        void checksTheRejectionFurther() {
            spec.given(new Opened("alice"))
                    .when(new Withdraw(7))
                    .thenRejected(
                            InsufficientFunds.class,
                            r -> assertThat(r.getMessage()).contains("cannot withdraw 7"));
        }

        @Test
        void failsOnAnotherRejectionType() {
            assertThatThrownBy(() -> spec.givenNothing().when(new Withdraw(1)).thenRejected(InsufficientFunds.class))
                    .hasMessageContaining(
                            "Expected a rejection InsufficientFunds, but it was rejected with AccountNotOpen.")
                    .hasMessageContaining("actual: AccountNotOpen[account.not-open]: the account is new");
        }

        @Test
        void failsOnAnotherCode() {
            assertThatThrownBy(() -> spec.givenNothing().when(new Withdraw(1)).thenRejected("account.closed"))
                    .hasMessageContaining(
                            "Expected a rejection with code 'account.closed', but the code was 'account.not-open'.");
        }

        @Test
        void failsWhenTheCommandWasAccepted() {
            assertThatThrownBy(() ->
                            spec.given(new Opened("alice")).when(new Deposit(5)).thenRejected(AccountNotOpen.class))
                    .hasMessageContaining(
                            "Expected a rejection AccountNotOpen, but the command was accepted with 1" + " event.")
                    .hasMessageContaining("1. Deposited[amount=5]");
        }

        @Test
        void failsByCodeWhenTheCommandWasAccepted() {
            assertThatThrownBy(() ->
                            spec.given(new Opened("alice")).when(new Deposit(5)).thenRejected("account.not-open"))
                    .hasMessageContaining(
                            "Expected a rejection with code 'account.not-open', but the command was accepted");
        }
    }

    @Nested
    class State {
        @Test
        void checksTheStateAfterTheDecidedEvents() {
            spec.given(new Opened("alice"), new Deposited(100))
                    .when(new Withdraw(30))
                    .thenState(account -> assertThat(account.balance()).isEqualTo(70));
        }

        @Test
        void failsWithTheStateAndTheAssertionMessage() {
            assertThatThrownBy(() -> spec.given(new Opened("alice"), new Deposited(100))
                            .when(new Withdraw(30))
                            .thenState(account -> assertThat(account.balance()).isEqualTo(60)))
                    .hasMessageContaining("The state after the command does not satisfy the check")
                    .hasMessageContaining("state after: Account[status=OPEN, owner=alice, balance=70]");
        }

        @Test
        void comparesTheStateWithAFieldLevelDifference() {
            spec.given(new Opened("alice"))
                    .when(new Deposit(5))
                    .thenStateEquals(new Account(Account.Status.OPEN, "alice", 5));

            assertThatThrownBy(() -> spec.given(new Opened("alice"))
                            .when(new Deposit(5))
                            .thenStateEquals(new Account(Account.Status.CLOSED, "alice", 6)))
                    .hasMessageContaining("The state after the command is not the expected one.")
                    .hasMessageContaining("status: expected CLOSED but was OPEN")
                    .hasMessageContaining("balance: expected 6 but was 5");
        }

        @Test
        void afterARejectionTheStateIsTheGivenOne() {
            spec.given(new Opened("alice"))
                    .when(new Withdraw(30))
                    .thenRejected(InsufficientFunds.class)
                    .thenStateEquals(new Account(Account.Status.OPEN, "alice", 0));
        }
    }

    @Nested
    class EventsSatisfy {
        @Test
        void passesWhenTheCheckPasses() {
            spec.given(new Opened("alice"), new Deposited(40))
                    .when(new Close())
                    .thenEventsSatisfy(
                            events -> assertThat(events).hasSize(2).last().isEqualTo(new Closed()));
        }

        @Test
        void failsWithTheEventsAndTheAssertionMessage() {
            assertThatThrownBy(() -> spec.given(new Opened("alice"))
                            .when(new Close())
                            .thenEventsSatisfy(events -> assertThat(events).hasSize(2)))
                    .hasMessageContaining("The decided events do not satisfy the check")
                    .hasMessageContaining("actual: 1 event\n  1. Closed[]");
        }
    }

    @Nested
    class And {
        @Test
        void continuesFromTheGivenAndDecidedEvents() {
            spec.givenNothing()
                    .when(new Open("alice"))
                    .then(new Opened("alice"))
                    .and()
                    .when(new Deposit(10))
                    .then(new Deposited(10))
                    .and()
                    .when(new Withdraw(11))
                    .thenRejected(InsufficientFunds.class)
                    .and()
                    .when(new Withdraw(10))
                    .then(new Withdrawn(10));
        }

        @Test
        void aFailingSecondStepShowsTheWholeHistory() {
            assertThatThrownBy(() -> spec.given(new Opened("alice"))
                            .when(new Deposit(10))
                            .then(new Deposited(10))
                            .and()
                            .when(new Withdraw(3))
                            .then(new Withdrawn(4)))
                    .hasMessageContaining("given: 2 events\n  1. Opened[owner=alice]\n  2. Deposited[amount=10]")
                    .hasMessageContaining("when: Withdraw[amount=3]");
        }
    }

    @Nested
    class BuiltInChecks {
        record Tally(List<Integer> values) {}

        @Test
        void catchesADecideThatMutatesTheState() {
            Decider<Integer, Tally, Integer> mutating = Decider.of(
                    new Tally(new ArrayList<>()),
                    (c, s) -> {
                        s.values().add(c);
                        return List.of(c);
                    },
                    (s, e) -> {
                        List<Integer> copy = new ArrayList<>(s.values());
                        copy.add(e);
                        return new Tally(copy);
                    });

            assertThatThrownBy(() -> DeciderSpec.of(mutating).given(1).when(2).then(2))
                    .hasMessageContaining("decide mutated the state it was given; decide must be pure.")
                    .hasMessageContaining("state before decide: Tally[values=[1]]")
                    .hasMessageContaining("state after decide: Tally[values=[1, 2]]");
        }

        @Test
        void catchesAnEvolveThatRefusesADecidedEvent() {
            Decider<AccountCommand, Account, AccountEvent> inconsistent =
                    Decider.of(Account.NEW, (c, s) -> List.of(new Closed()), (s, e) -> {
                        if (e instanceof Closed) {
                            throw new IllegalStateException("cannot close a new account");
                        }
                        return s;
                    });

            assertThatThrownBy(() -> DeciderSpec.of(inconsistent).givenNothing().when(new Close()))
                    .hasMessageContaining("evolve threw on event 1 that decide produced")
                    .hasMessageContaining("evolve threw: java.lang.IllegalStateException: cannot close a new account");
        }

        @Test
        void catchesAnEvolveWhoseReplayDiffers() {
            AtomicInteger calls = new AtomicInteger();
            Decider<Integer, Integer, Integer> drifting =
                    Decider.of(0, (c, s) -> List.of(c), (s, e) -> s + e + calls.incrementAndGet() % 2);

            assertThatThrownBy(() -> DeciderSpec.of(drifting).given(1).when(2))
                    .hasMessageContaining("evolve is not deterministic");
        }

        @Test
        void catchesEventsDecidedOnATerminalState() {
            Decider<AccountCommand, Account, AccountEvent> leaky =
                    Decider.of(Account.NEW, (c, s) -> List.of(new Deposited(1)), BankAccountEvolve::evolve, s -> true);

            assertThatThrownBy(() -> DeciderSpec.of(leaky).givenNothing().when(new Deposit(1)))
                    .hasMessageContaining("decide produced events on a terminal state");
        }

        @Test
        void catchesANullEventList() {
            Decider<Integer, Integer, Integer> nulls = Decider.of(0, (c, s) -> null, (s, e) -> s);

            assertThatThrownBy(() -> DeciderSpec.of(nulls).givenNothing().when(1))
                    .hasMessageContaining("decide returned null; return an empty list when nothing happens.");
        }
    }

    /** Evolve of the bank account, reachable from this package for deciders built in tests. */
    static final class BankAccountEvolve {
        static Account evolve(Account state, AccountEvent event) {
            return BankAccount.DECIDER.evolve(state, event);
        }
    }
}
