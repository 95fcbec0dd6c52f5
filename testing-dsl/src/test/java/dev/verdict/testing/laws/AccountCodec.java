package dev.verdict.testing.laws;

import dev.verdict.store.StateCodec;
import dev.verdict.testing.bank.Account;
import java.nio.charset.StandardCharsets;

/**
 * A tiny snapshot codec for the bank account: {@code STATUS\nbalance\nowner-as-hex}. The owner is written as four hex
 * digits per UTF-16 char, so any generated string – line breaks and lone surrogates included – round-trips.
 */
final class AccountCodec implements StateCodec<Account> {
    @Override
    public byte[] encode(Account state) {
        StringBuilder owner = new StringBuilder();
        state.owner().chars().forEach(c -> owner.append(String.format("%04x", c)));
        return (state.status() + "\n" + state.balance() + "\n" + owner).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Account decode(byte[] bytes) {
        String[] parts = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
        if (parts.length != 3 || parts[2].length() % 4 != 0) {
            throw new IllegalArgumentException("not an account snapshot: " + parts.length + " lines");
        }
        StringBuilder owner = new StringBuilder();
        for (int i = 0; i < parts[2].length(); i += 4) {
            owner.append((char) Integer.parseInt(parts[2].substring(i, i + 4), 16));
        }
        return new Account(Account.Status.valueOf(parts[0]), owner.toString(), Integer.parseInt(parts[1]));
    }

    @Override
    public String fingerprint() {
        return "account-v1";
    }
}
