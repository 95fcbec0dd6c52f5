package dev.verdict.testing.laws;

import dev.verdict.testing.DeciderLawProperties;
import dev.verdict.testing.DeciderLaws;
import dev.verdict.testing.bank.Account;
import dev.verdict.testing.bank.AccountCommand;
import dev.verdict.testing.bank.AccountCommand.Close;
import dev.verdict.testing.bank.AccountCommand.Open;
import dev.verdict.testing.bank.AccountEvent;
import dev.verdict.testing.bank.BankAccount;

/** All laws by inheritance: the shortest way to check a decider. */
class InheritedAccountLawsTest extends DeciderLawProperties<AccountCommand, Account, AccountEvent> {
    private static final AccountCodec CODEC = new AccountCodec();
    private static final DeciderLaws<AccountCommand, Account, AccountEvent> LAWS = DeciderLaws.of(
                    BankAccount.DECIDER, AccountCommands.any())
            .invariant("balance is never negative", account -> account.balance() >= 0)
            .idempotent(command -> command instanceof Open || command instanceof Close)
            .snapshotCodec(CODEC::encode, CODEC::decode);

    @Override
    protected DeciderLaws<AccountCommand, Account, AccountEvent> laws() {
        return LAWS;
    }
}
