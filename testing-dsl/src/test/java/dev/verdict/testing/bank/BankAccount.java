package dev.verdict.testing.bank;

import dev.verdict.decider.Decider;
import dev.verdict.testing.bank.AccountCommand.Close;
import dev.verdict.testing.bank.AccountCommand.Deposit;
import dev.verdict.testing.bank.AccountCommand.Open;
import dev.verdict.testing.bank.AccountCommand.Withdraw;
import dev.verdict.testing.bank.AccountEvent.Closed;
import dev.verdict.testing.bank.AccountEvent.Deposited;
import dev.verdict.testing.bank.AccountEvent.Opened;
import dev.verdict.testing.bank.AccountEvent.Withdrawn;
import java.util.List;

/** The bank-account decider the test kit's own tests and docs/testing.md use. */
public final class BankAccount {
    private BankAccount() {}

    /** Found by DeciderLaws with derived arbitraries: without a limit, two large deposits overflow the balance. */
    public static final int MAX_BALANCE = 1_000_000_000;

    public static final Decider<AccountCommand, Account, AccountEvent> DECIDER =
            Decider.of(Account.NEW, BankAccount::decide, BankAccount::evolve, BankAccount::isTerminal);

    static List<AccountEvent> decide(AccountCommand command, Account state) {
        if (command instanceof Open open) {
            if (state.status() != Account.Status.NEW) {
                return List.of(); // opening twice is idempotent
            }
            return List.of(new Opened(open.owner()));
        }
        if (state.status() != Account.Status.OPEN) {
            if (command instanceof Close && state.status() == Account.Status.CLOSED) {
                return List.of();
            }
            throw new AccountNotOpen(state.status());
        }
        if (command instanceof Deposit deposit) {
            requirePositive(deposit.amount());
            if (deposit.amount() > MAX_BALANCE - state.balance()) {
                throw new BalanceLimitExceeded(deposit.amount(), state.balance());
            }
            return List.of(new Deposited(deposit.amount()));
        }
        if (command instanceof Withdraw withdraw) {
            requirePositive(withdraw.amount());
            if (withdraw.amount() > state.balance()) {
                throw new InsufficientFunds(withdraw.amount(), state.balance());
            }
            return List.of(new Withdrawn(withdraw.amount()));
        }
        if (command instanceof Close) {
            if (state.balance() > 0) {
                return List.of(new Withdrawn(state.balance()), new Closed());
            }
            return List.of(new Closed());
        }
        throw new IllegalArgumentException("unknown command " + command);
    }

    private static void requirePositive(int amount) {
        if (amount <= 0) {
            throw new InvalidAmount(amount);
        }
    }

    static Account evolve(Account state, AccountEvent event) {
        if (event instanceof Opened opened) {
            return new Account(Account.Status.OPEN, opened.owner(), 0);
        }
        if (event instanceof Deposited deposited) {
            return new Account(state.status(), state.owner(), state.balance() + deposited.amount());
        }
        if (event instanceof Withdrawn withdrawn) {
            return new Account(state.status(), state.owner(), state.balance() - withdrawn.amount());
        }
        if (event instanceof Closed) {
            return new Account(Account.Status.CLOSED, state.owner(), state.balance());
        }
        throw new IllegalArgumentException("unknown event " + event);
    }

    static boolean isTerminal(Account state) {
        return state.status() == Account.Status.CLOSED;
    }
}
