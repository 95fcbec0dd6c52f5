package dev.verdict.testing.laws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.decider.Decider;
import dev.verdict.testing.DeciderLaws;
import dev.verdict.testing.History;
import dev.verdict.testing.LawViolation;
import dev.verdict.testing.bank.Account;
import dev.verdict.testing.bank.AccountCommand;
import dev.verdict.testing.bank.AccountCommand.Close;
import dev.verdict.testing.bank.AccountCommand.Deposit;
import dev.verdict.testing.bank.AccountCommand.Open;
import dev.verdict.testing.bank.AccountCommand.Withdraw;
import dev.verdict.testing.bank.AccountEvent;
import dev.verdict.testing.bank.AccountEvent.Deposited;
import dev.verdict.testing.bank.AccountEvent.Opened;
import dev.verdict.testing.bank.BankAccount;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Each law, on a fixed command sequence: passes on the good account, fails with a precise report on a broken one. */
class DeciderLawsTest {
    private static DeciderLaws<AccountCommand, Account, AccountEvent> laws(
            Decider<AccountCommand, Account, AccountEvent> decider) {
        AccountCodec codec = new AccountCodec();
        return DeciderLaws.of(decider, AccountCommands.any())
                .invariant("balance is never negative", account -> account.balance() >= 0)
                .idempotent(command -> command instanceof Open || command instanceof Close)
                .snapshotCodec(codec::encode, codec::decode);
    }

    private static final List<AccountCommand> SEQUENCE = List.of(
            new Open("alice"),
            new Deposit(5),
            new Withdraw(7),
            new Withdraw(6),
            new Open("bob"),
            new Close(),
            new Deposit(3));

    @Test
    void replaySkipsRejectedCommandsSoEveryStateIsReachable() {
        History<AccountCommand, Account, AccountEvent> history =
                laws(BankAccount.DECIDER).replay(SEQUENCE);

        assertThat(history.steps().get(2).rejection()).isPresent();
        assertThat(history.steps().get(2).after())
                .isEqualTo(history.steps().get(2).before());
        assertThat(history.acceptedCommands())
                .containsExactly(new Open("alice"), new Deposit(5), new Open("bob"), new Close());
        assertThat(history.finalState()).isEqualTo(new Account(Account.Status.CLOSED, "alice", 0));
        assertThat(history.events()).startsWith(new Opened("alice"), new Deposited(5));
    }

    @Test
    void everyLawHoldsForTheGoodAccount() {
        laws(BankAccount.DECIDER).checkAll(SEQUENCE);
    }

    @Test
    void invariantViolationNamesTheInvariantTheStepAndTheState() {
        List<AccountCommand> commands = List.of(new Open("alice"), new Deposit(2), new Withdraw(3));

        assertThatThrownBy(() -> laws(BrokenAccounts.OVERDRAFT).checkInvariants(commands))
                .isInstanceOfSatisfying(LawViolation.class, v -> {
                    assertThat(v.law()).isEqualTo("invariant 'balance is never negative'");
                    assertThat(v.commands()).isEqualTo(commands);
                })
                .hasMessageContaining("Decider law violated: invariant 'balance is never negative'")
                .hasMessageContaining("commands (3, the law broke at 3)")
                .hasMessageContaining("→ 3. Withdraw[amount=3]")
                .hasMessageContaining("state before the command: Account[status=OPEN, owner=alice, balance=2]")
                .hasMessageContaining("state: Account[status=OPEN, owner=alice, balance=-1]");
    }

    @Test
    void nonDeterministicDecisionViolatesDeterminism() {
        assertThatThrownBy(() -> laws(BrokenAccounts.FLAKY).checkDeterminism(List.of(new Open("a"), new Deposit(5))))
                .isInstanceOfSatisfying(
                        LawViolation.class, v -> assertThat(v.law()).isEqualTo("determinism"))
                .hasMessageContaining("deciding the same command on the same state twice gave different outcomes")
                .hasMessageContaining("first: [Deposited[amount=6]]")
                .hasMessageContaining("second: [Deposited[amount=5]]");
    }

    @Test
    void eventsOnAClosedAccountViolateAbsorbingTerminalStates() {
        assertThatThrownBy(() -> laws(BrokenAccounts.LEAKY_TERMINAL)
                        .checkTerminalStatesAbsorbing(List.of(new Open("a"), new Close(), new Deposit(4))))
                .isInstanceOfSatisfying(
                        LawViolation.class, v -> assertThat(v.law()).isEqualTo("terminal states are absorbing"))
                .hasMessageContaining("a command decided events on a terminal state")
                .hasMessageContaining("1. Deposited[amount=4]");
    }

    @Test
    void aCodecThatLosesAFieldViolatesSnapshotEquivalence() {
        ForgetfulAccountCodec forgetful = new ForgetfulAccountCodec();
        assertThatThrownBy(() -> laws(BankAccount.DECIDER)
                        .snapshotCodec(forgetful::encode, forgetful::decode)
                        .checkSnapshotEquivalence(List.of(new Open("alice"))))
                .isInstanceOfSatisfying(
                        LawViolation.class, v -> assertThat(v.law()).isEqualTo("snapshot equivalence"))
                .hasMessageContaining("the state decoded from its snapshot differs from the original")
                .hasMessageContaining("owner: expected \"alice\" but was \"\"");
    }

    @Test
    void repeatingAnIdempotentCommandThatDecidesAgainViolatesIdempotency() {
        assertThatThrownBy(() -> laws(BrokenAccounts.REOPENING).checkIdempotency(List.of(new Open("a"))))
                .isInstanceOfSatisfying(
                        LawViolation.class, v -> assertThat(v.law()).isEqualTo("idempotency"))
                .hasMessageContaining("repeating the idempotent command Open[owner=a] did not decide nothing")
                .hasMessageContaining("the repetition: [Opened[owner=a]]");
    }

    @Test
    void anExceptionThatIsNotARejectionIsABug() {
        assertThatThrownBy(
                        () -> laws(BrokenAccounts.UNLUCKY).checkDeterminism(List.of(new Open("a"), new Withdraw(13))))
                .isInstanceOfSatisfying(
                        LawViolation.class, v -> assertThat(v.law()).isEqualTo("no unexpected exceptions"))
                .hasMessageContaining("decide threw java.lang.IllegalStateException: unlucky amount – a bug")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void checkingInvariantsWithoutAnyIsAMistake() {
        assertThatThrownBy(() -> DeciderLaws.of(BankAccount.DECIDER, AccountCommands.any())
                        .checkInvariants(SEQUENCE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no invariants");
    }

    @Test
    void derivesArbitrariesForEveryRecordOfASealedInterface() {
        Set<Class<?>> kinds = DeciderLaws.arbitraryFor(AccountCommand.class)
                .sampleStream()
                .limit(200)
                .map(Object::getClass)
                .collect(Collectors.toSet());

        assertThat(kinds).containsExactlyInAnyOrder(Open.class, Deposit.class, Withdraw.class, Close.class);
    }

    @Test
    void refusesToDeriveAnArbitraryForAPlainClass() {
        assertThatThrownBy(() -> DeciderLaws.arbitraryFor(StringBuilder.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only sealed interfaces, records and enums are derived");
    }
}
