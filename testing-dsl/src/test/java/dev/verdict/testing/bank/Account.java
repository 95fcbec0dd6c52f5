package dev.verdict.testing.bank;

/** The state of a bank account: never {@code null}; {@link #NEW} before it is opened. */
public record Account(Status status, String owner, int balance) {
    public enum Status {
        NEW,
        OPEN,
        CLOSED
    }

    public static final Account NEW = new Account(Status.NEW, "", 0);
}
