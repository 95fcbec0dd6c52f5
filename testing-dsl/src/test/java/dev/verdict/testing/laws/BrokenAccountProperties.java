package dev.verdict.testing.laws;

import dev.verdict.testing.DeciderLaws;
import dev.verdict.testing.bank.Account;
import dev.verdict.testing.bank.AccountCommand;
import dev.verdict.testing.bank.AccountEvent;
import java.util.List;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * Properties that must FAIL: the overdraft bug is seeded in the decider. Not a test class (surefire does not pick
 * it up by name); {@link SeededViolationShrinkingTest} runs it through the JUnit Platform and inspects the failure.
 */
class BrokenAccountProperties {
    static final DeciderLaws<AccountCommand, Account, AccountEvent> LAWS = DeciderLaws.of(
                    BrokenAccounts.OVERDRAFT, AccountCommands.any())
            .invariant("balance is never negative", account -> account.balance() >= 0)
            .maxCommands(40);

    @Provide
    Arbitrary<List<AccountCommand>> histories() {
        return LAWS.commandSequences();
    }

    @Property(
            seed = "20261127",
            tries = 1000,
            shrinking = ShrinkingMode.FULL,
            afterFailure = AfterFailureMode.RANDOM_SEED)
    void balanceIsNeverNegative(@ForAll("histories") List<AccountCommand> commands) {
        LAWS.checkInvariants(commands);
    }
}
