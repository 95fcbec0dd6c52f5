package dev.verdict.testing.laws;

import dev.verdict.decider.Decider;
import dev.verdict.testing.bank.Account;
import dev.verdict.testing.bank.AccountCommand;
import dev.verdict.testing.bank.AccountCommand.Deposit;
import dev.verdict.testing.bank.AccountCommand.Open;
import dev.verdict.testing.bank.AccountCommand.Withdraw;
import dev.verdict.testing.bank.AccountEvent;
import dev.verdict.testing.bank.AccountEvent.Deposited;
import dev.verdict.testing.bank.AccountEvent.Opened;
import dev.verdict.testing.bank.AccountEvent.Withdrawn;
import dev.verdict.testing.bank.BankAccount;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Bank accounts with one seeded bug each, for proving that the laws catch them. */
final class BrokenAccounts {
    private BrokenAccounts() {}

    private static final Decider<AccountCommand, Account, AccountEvent> GOOD = BankAccount.DECIDER;

    /** Off by one: lets the balance go to -1. */
    static final Decider<AccountCommand, Account, AccountEvent> OVERDRAFT = Decider.of(
            Account.NEW,
            (command, state) -> {
                if (command instanceof Withdraw w
                        && state.status() == Account.Status.OPEN
                        && w.amount() == state.balance() + 1) {
                    return List.of(new Withdrawn(w.amount()));
                }
                return GOOD.decide(command, state);
            },
            GOOD::evolve,
            GOOD::isTerminal);

    /** Every other deposit decision adds a bonus cent. */
    static final Decider<AccountCommand, Account, AccountEvent> FLAKY = flaky();

    private static Decider<AccountCommand, Account, AccountEvent> flaky() {
        AtomicInteger calls = new AtomicInteger();
        return Decider.of(
                Account.NEW,
                (command, state) -> {
                    if (command instanceof Deposit d && state.status() == Account.Status.OPEN) {
                        return List.of(new Deposited(d.amount() + calls.incrementAndGet() % 2));
                    }
                    return GOOD.decide(command, state);
                },
                GOOD::evolve,
                GOOD::isTerminal);
    }

    /** Accepts deposits on a closed account. */
    static final Decider<AccountCommand, Account, AccountEvent> LEAKY_TERMINAL = Decider.of(
            Account.NEW,
            (command, state) -> {
                if (command instanceof Deposit d && state.status() == Account.Status.CLOSED) {
                    return List.of(new Deposited(d.amount()));
                }
                return GOOD.decide(command, state);
            },
            GOOD::evolve,
            GOOD::isTerminal);

    /** Opening an open account opens it again. */
    static final Decider<AccountCommand, Account, AccountEvent> REOPENING = Decider.of(
            Account.NEW,
            (command, state) -> {
                if (command instanceof Open o && state.status() == Account.Status.OPEN) {
                    return List.of(new Opened(o.owner()));
                }
                return GOOD.decide(command, state);
            },
            GOOD::evolve,
            GOOD::isTerminal);

    /** Throws a bug (not a rejection) on withdrawals of exactly 13. */
    static final Decider<AccountCommand, Account, AccountEvent> UNLUCKY = Decider.of(
            Account.NEW,
            (command, state) -> {
                if (command instanceof Withdraw w && w.amount() == 13) {
                    throw new IllegalStateException("unlucky amount");
                }
                return GOOD.decide(command, state);
            },
            GOOD::evolve,
            GOOD::isTerminal);
}
