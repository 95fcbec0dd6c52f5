package dev.verdict.testing.laws;

import dev.verdict.testing.DeciderLaws;
import dev.verdict.testing.bank.Account;
import dev.verdict.testing.bank.AccountCommand;
import dev.verdict.testing.bank.AccountCommand.Close;
import dev.verdict.testing.bank.AccountCommand.Open;
import dev.verdict.testing.bank.AccountEvent;
import dev.verdict.testing.bank.BankAccount;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The bank account obeys every decider law (the way users write law properties, see docs/testing.md). */
class BankAccountLawsTest {
    private static final AccountCodec CODEC = new AccountCodec();

    static final DeciderLaws<AccountCommand, Account, AccountEvent> LAWS = DeciderLaws.of(
                    BankAccount.DECIDER, AccountCommands.any())
            .invariant("balance is never negative", account -> account.balance() >= 0)
            .invariant(
                    "a new account has no owner",
                    account -> account.status() != Account.Status.NEW
                            || account.owner().isEmpty())
            .idempotent(command -> command instanceof Open || command instanceof Close)
            .snapshotCodec(CODEC::encode, CODEC::decode);

    @Provide
    Arbitrary<List<AccountCommand>> histories() {
        return LAWS.commandSequences();
    }

    @Property(tries = 300)
    void invariantsHoldInEveryReachableState(@ForAll("histories") List<AccountCommand> commands) {
        LAWS.checkInvariants(commands);
    }

    @Property(tries = 300)
    void decisionsAreDeterministicAndPure(@ForAll("histories") List<AccountCommand> commands) {
        LAWS.checkDeterminism(commands);
    }

    @Property(tries = 300)
    void closedAccountsStayClosed(@ForAll("histories") List<AccountCommand> commands) {
        LAWS.checkTerminalStatesAbsorbing(commands);
    }

    @Property(tries = 100)
    void snapshotsAreEquivalentToTheOriginalState(@ForAll("histories") List<AccountCommand> commands) {
        LAWS.checkSnapshotEquivalence(commands);
    }

    @Property(tries = 300)
    void openingAndClosingAreIdempotent(@ForAll("histories") List<AccountCommand> commands) {
        LAWS.checkIdempotency(commands);
    }

    @Property(tries = 100)
    void allLawsHoldForDerivedCommands(@ForAll("derived") List<AccountCommand> commands) {
        LAWS.checkAll(commands);
    }

    @Provide
    Arbitrary<List<AccountCommand>> derived() {
        return DeciderLaws.arbitraryFor(AccountCommand.class).list().ofMaxSize(20);
    }
}
