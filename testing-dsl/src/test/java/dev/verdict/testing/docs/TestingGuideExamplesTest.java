package dev.verdict.testing.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.decider.CombinedState;
import dev.verdict.decider.Decider;
import dev.verdict.decider.View;
import dev.verdict.store.AppendResult;
import dev.verdict.store.CommandContext;
import dev.verdict.store.ConcurrencyConflict;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.ReadRange;
import dev.verdict.testing.DeciderSpec;
import dev.verdict.testing.ViewSpec;
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
import dev.verdict.testing.bank.BankAccount;
import dev.verdict.testing.bank.InsufficientFunds;
import dev.verdict.testing.store.InMemoryEventStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every code sample of docs/testing.md, so the guide cannot drift from the API. Keep both in step. */
class TestingGuideExamplesTest {
    private static final Decider<AccountCommand, Account, AccountEvent> ACCOUNT = BankAccount.DECIDER;

    @Test
    void firstSpec() {
        DeciderSpec.of(ACCOUNT)
                .given(new Opened("alice"), new Deposited(100))
                .when(new Withdraw(30))
                .then(new Withdrawn(30));
    }

    @Test
    void everyVerb() {
        var spec = DeciderSpec.of(ACCOUNT);

        spec.givenNothing().when(new Open("alice")).then(new Opened("alice"));
        spec.givenState(new Account(Account.Status.OPEN, "bob", 10))
                .when(new Withdraw(10))
                .then(new Withdrawn(10));
        spec.given(new Opened("alice")).when(new Open("alice")).thenNothingHappened();
        spec.given(new Opened("alice")).when(new Withdraw(1)).thenRejected(InsufficientFunds.class);
        spec.given(new Opened("alice")).when(new Withdraw(1)).thenRejected("account.insufficient-funds");
        spec.given(new Opened("alice"), new Deposited(100))
                .when(new Withdraw(30))
                .thenState(account -> assertThat(account.balance()).isEqualTo(70));
        spec.given(new Opened("alice"), new Deposited(40))
                .when(new Close())
                .thenEventsSatisfy(events -> assertThat(events).endsWith(new Closed()));
    }

    @Test
    void chainedSteps() {
        DeciderSpec.of(ACCOUNT)
                .givenNothing()
                .when(new Open("alice"))
                .then(new Opened("alice"))
                .and()
                .when(new Deposit(10))
                .then(new Deposited(10))
                .and()
                .when(new Withdraw(11))
                .thenRejected(InsufficientFunds.class)
                .and()
                .when(new Close())
                .then(new Withdrawn(10), new Closed());
    }

    @Test
    void failureMessageReadsLikeABugReport() {
        assertThatThrownBy(() -> DeciderSpec.of(ACCOUNT)
                        .given(new Opened("alice"), new Deposited(100))
                        .when(new Withdraw(30))
                        .then(new Withdrawn(50)))
                .hasMessage("""
                        Expected 1 event but decide produced different ones.

                        given: 2 events
                          1. Opened[owner=alice]
                          2. Deposited[amount=100]
                        state before the command: Account[status=OPEN, owner=alice, balance=100]
                        when: Withdraw[amount=30]
                        expected: 1 event
                          1. Withdrawn[amount=50]
                        actual: 1 event
                          1. Withdrawn[amount=30]
                        difference:
                          event 1 (Withdrawn): amount: expected 50 but was 30""");
    }

    @Test
    void combinators() {
        Decider<Object, Account, Object> accounts =
                Decider.widen(BankAccount.DECIDER, AccountCommand.class, AccountEvent.class);
        Decider<Object, Integer, Object> audit = Decider.of(
                0, (command, count) -> List.of(), (count, event) -> event instanceof Withdrawn ? count + 1 : count);
        Decider<Object, CombinedState<Account, Integer>, Object> both = Decider.combine(accounts, audit);

        DeciderSpec.of(both)
                .given(new Opened("alice"), new Deposited(50))
                .when(new Withdraw(20))
                .then(new Withdrawn(20))
                .thenState(state -> assertThat(state.second()).isEqualTo(1));
    }

    @Test
    void viewSpec() {
        View<Integer, AccountEvent> balance = View.of(0, (sum, event) -> {
            if (event instanceof Deposited d) {
                return sum + d.amount();
            }
            if (event instanceof Withdrawn w) {
                return sum - w.amount();
            }
            return sum;
        });

        ViewSpec.of(balance)
                .given(new Opened("alice"), new Deposited(100), new Withdrawn(30))
                .then(70)
                .andGiven(new Deposited(5))
                .then(75);
    }

    @Test
    void inMemoryStoreConflict() {
        InMemoryEventStore store = InMemoryEventStore.create();
        EntityRef account = EntityRef.of("account", "a-1");
        EncodedEvent opened = new EncodedEvent("Opened", 1, "{}".getBytes(StandardCharsets.UTF_8));
        EncodedEvent deposited = new EncodedEvent("Deposited", 1, "{}".getBytes(StandardCharsets.UTF_8));
        store.append(account, 0, List.of(opened), CommandContext.create()); // version 1

        // a rival writer slips in just before our append
        store.beforeNextAppend(account, () -> store.append(account, 1, List.of(deposited), CommandContext.create()));

        assertThatThrownBy(() -> store.append(account, 1, List.of(deposited), CommandContext.create()))
                .isInstanceOf(ConcurrencyConflict.class)
                .hasMessageContaining("expected version 1, but it is 2");

        store.resetCounters();
        store.readAll(account, ReadRange.after(1)); // catch up on the tail only
        assertThat(store.readCalls()).isEqualTo(1);
        assertThat(store.eventsRead()).isEqualTo(1);
    }

    @Test
    void inMemoryStoreDeduplicates() {
        InMemoryEventStore store = InMemoryEventStore.create();
        EntityRef account = EntityRef.of("account", "a-1");
        EncodedEvent opened = new EncodedEvent("Opened", 1, "{}".getBytes(StandardCharsets.UTF_8));
        CommandContext command = CommandContext.withCommandId("open-a-1");

        store.loseNextAcknowledgement(account); // stored, but the caller sees EventStoreUnavailable
        assertThatThrownBy(() -> store.append(account, 0, List.of(opened), command));
        AppendResult retry = store.append(account, 0, List.of(opened), command);

        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.sequences()).containsExactly(1L);
    }
}
