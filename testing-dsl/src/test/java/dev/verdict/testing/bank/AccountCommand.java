package dev.verdict.testing.bank;

/** What a client asks of a bank account. */
public sealed interface AccountCommand {
    record Open(String owner) implements AccountCommand {}

    record Deposit(int amount) implements AccountCommand {}

    record Withdraw(int amount) implements AccountCommand {}

    record Close() implements AccountCommand {}
}
