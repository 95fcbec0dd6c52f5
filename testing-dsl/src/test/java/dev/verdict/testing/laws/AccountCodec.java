package dev.verdict.testing.laws;

import dev.verdict.store.StateCodec;
import dev.verdict.testing.bank.Account;
import java.nio.charset.StandardCharsets;

/** A tiny snapshot codec for the bank account: {@code STATUS\nowner\nbalance}. */
final class AccountCodec implements StateCodec<Account> {
    @Override
    public byte[] encode(Account state) {
        return (state.status() + "\n" + state.owner() + "\n" + state.balance()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Account decode(byte[] bytes) {
        String[] parts = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not an account snapshot: " + parts.length + " lines");
        }
        return new Account(Account.Status.valueOf(parts[0]), parts[1], Integer.parseInt(parts[2]));
    }

    @Override
    public String fingerprint() {
        return "account-v1";
    }
}
