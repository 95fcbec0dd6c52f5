package dev.verdict.testing.docs;

import dev.verdict.store.StateCodec;
import dev.verdict.testing.DeciderLaws;
import dev.verdict.testing.bank.Account;
import dev.verdict.testing.bank.AccountCommand;
import dev.verdict.testing.bank.AccountCommand.Close;
import dev.verdict.testing.bank.AccountCommand.Deposit;
import dev.verdict.testing.bank.AccountCommand.Open;
import dev.verdict.testing.bank.AccountCommand.Withdraw;
import dev.verdict.testing.bank.AccountEvent;
import dev.verdict.testing.bank.BankAccount;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The law properties of docs/testing.md, verbatim. */
class AccountLawsExampleTest {
    static final AccountCodec CODEC = new AccountCodec();
    static final DeciderLaws<AccountCommand, Account, AccountEvent> LAWS = DeciderLaws.of(
                    BankAccount.DECIDER, commands())
            .invariant("balance is never negative", account -> account.balance() >= 0)
            .invariant("balance stays within the limit", account -> account.balance() <= BankAccount.MAX_BALANCE)
            .idempotent(command -> command instanceof Open || command instanceof Close)
            .snapshotCodec(CODEC::encode, CODEC::decode);

    static Arbitrary<AccountCommand> commands() {
        return Arbitraries.oneOf(
                Arbitraries.of("alice", "bob").map(Open::new),
                Arbitraries.integers().between(1, 100).map(Deposit::new),
                Arbitraries.integers().between(1, 100).map(Withdraw::new),
                Arbitraries.just(new Close()));
    }

    @Provide
    Arbitrary<List<AccountCommand>> histories() {
        return LAWS.commandSequences();
    }

    @Property(tries = 200)
    void invariantsHold(@ForAll("histories") List<AccountCommand> commands) {
        LAWS.checkInvariants(commands);
    }

    @Property(tries = 200)
    void deterministicAndPure(@ForAll("histories") List<AccountCommand> commands) {
        LAWS.checkDeterminism(commands);
    }

    @Property(tries = 200)
    void closedAccountsStayClosed(@ForAll("histories") List<AccountCommand> commands) {
        LAWS.checkTerminalStatesAbsorbing(commands);
    }

    @Property(tries = 100)
    void snapshotsChangeNothing(@ForAll("histories") List<AccountCommand> commands) {
        LAWS.checkSnapshotEquivalence(commands);
    }

    @Property(tries = 200)
    void openAndCloseAreIdempotent(@ForAll("histories") List<AccountCommand> commands) {
        LAWS.checkIdempotency(commands);
    }

    @Property(tries = 100)
    void everyLawForAnyCommand(@ForAll("anyCommands") List<AccountCommand> commands) {
        LAWS.checkAll(commands);
    }

    @Provide
    Arbitrary<List<AccountCommand>> anyCommands() {
        return DeciderLaws.arbitraryFor(AccountCommand.class).list().ofMaxSize(20);
    }

    static final class AccountCodec implements StateCodec<Account> {
        @Override
        public byte[] encode(Account a) {
            return (a.status() + "\n" + a.owner() + "\n" + a.balance()).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Account decode(byte[] bytes) {
            String[] p = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
            return new Account(Account.Status.valueOf(p[0]), p[1], Integer.parseInt(p[2]));
        }

        @Override
        public String fingerprint() {
            return "account-v1";
        }
    }
}
