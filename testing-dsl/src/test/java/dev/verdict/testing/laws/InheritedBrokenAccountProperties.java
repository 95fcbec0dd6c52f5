package dev.verdict.testing.laws;

import dev.verdict.testing.DeciderLawProperties;
import dev.verdict.testing.DeciderLaws;
import dev.verdict.testing.bank.Account;
import dev.verdict.testing.bank.AccountCommand;
import dev.verdict.testing.bank.AccountEvent;

/**
 * Must FAIL exactly one inherited property (the invariant): the overdraft bug is seeded. Run by {@link
 * SeededViolationShrinkingTest}, not by surefire (its name does not end in Test).
 */
class InheritedBrokenAccountProperties extends DeciderLawProperties<AccountCommand, Account, AccountEvent> {
    private static final DeciderLaws<AccountCommand, Account, AccountEvent> LAWS = DeciderLaws.of(
                    BrokenAccounts.OVERDRAFT, AccountCommands.small())
            .invariant("balance is never negative", account -> account.balance() >= 0);

    @Override
    protected DeciderLaws<AccountCommand, Account, AccountEvent> laws() {
        return LAWS;
    }
}
