package dev.verdict.testing.laws;

import dev.verdict.testing.bank.AccountCommand;
import dev.verdict.testing.bank.AccountCommand.Close;
import dev.verdict.testing.bank.AccountCommand.Deposit;
import dev.verdict.testing.bank.AccountCommand.Open;
import dev.verdict.testing.bank.AccountCommand.Withdraw;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** Commands that reach interesting account states: small amounts, two owners, an occasional close. */
final class AccountCommands {
    private AccountCommands() {}

    static Arbitrary<AccountCommand> any() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Arbitraries.of("alice", "bob").map(Open::new)),
                net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(1, 100).map(Deposit::new)),
                net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(1, 100).map(Withdraw::new)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Close())));
    }

    /** Amounts of 1 to 3 only: every step is near the edge of the balance, so off-by-one bugs surface at once. */
    static Arbitrary<AccountCommand> small() {
        return Arbitraries.oneOf(
                Arbitraries.just(new Open("alice")),
                Arbitraries.integers().between(1, 3).map(Deposit::new),
                Arbitraries.integers().between(1, 3).map(Withdraw::new));
    }
}
