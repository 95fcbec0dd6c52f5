package dev.verdict.testing.bank;

/** What happened to a bank account. */
public sealed interface AccountEvent {
    record Opened(String owner) implements AccountEvent {}

    record Deposited(int amount) implements AccountEvent {}

    record Withdrawn(int amount) implements AccountEvent {}

    record Closed() implements AccountEvent {}
}
