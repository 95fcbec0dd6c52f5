package dev.verdict.store.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verdict.store.StateDecodingFailed;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Snapshots keep numbers exactly: a state's {@code BigDecimal} (value and scale), {@code long} (all 64 bits) and
 * {@code Instant} (to the nanosecond) come back equal from the codec, and also after the snapshot store's envelope
 * has re-read and re-written the state's JSON as a tree. Trailing bytes are refused with a typed error.
 */
class JsonStateCodecExactnessTest {
    record Account(BigDecimal balance, long cents, Instant openedAt, List<BigDecimal> fees, Map<String, Object> tags) {}

    private static final JsonStateCodec<Account> CODEC = JsonStateCodec.of(Account.class);
    private static final ObjectMapper ENVELOPE = VerdictObjectMapper.create();

    @Property(tries = 500)
    void aStateRoundTripsExactly(@ForAll("accounts") Account state) {
        Account decoded = CODEC.decode(CODEC.encode(state));

        assertThat(decoded).isEqualTo(state); // BigDecimal.equals compares the scale too
        assertThat(decoded.balance().scale()).isEqualTo(state.balance().scale());
    }

    @Property(tries = 500)
    void aStateSurvivesTheSnapshotEnvelopeExactly(@ForAll("accounts") Account state) throws Exception {
        // what NatsSnapshotStore does to embed the state in its JSON value, and to take it out again
        byte[] embedded = ENVELOPE.writeValueAsBytes(ENVELOPE.readTree(CODEC.encode(state)));

        assertThat(CODEC.decode(embedded)).isEqualTo(state);
    }

    @Example
    void keepsTheScaleOfADecimal() {
        Account state = account(new BigDecimal("100.10"), 0, Map.of("price", new BigDecimal("100.10")));

        byte[] bytes = CODEC.encode(state);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"balance\":100.10");
        assertThat(CODEC.decode(bytes).balance()).isEqualTo(new BigDecimal("100.10"));
        assertThat(CODEC.decode(bytes).tags().get("price")).isEqualTo(new BigDecimal("100.10"));
    }

    @Example
    void keepsLongsAtTheirExtremes() {
        for (long value : new long[] {Long.MIN_VALUE, Long.MAX_VALUE, (1L << 53) + 1}) {
            Account state = account(BigDecimal.ONE, value, Map.of("n", value));

            assertThat(CODEC.decode(CODEC.encode(state)).cents()).isEqualTo(value);
            assertThat(CODEC.decode(CODEC.encode(state)).tags().get("n")).isEqualTo(value);
        }
    }

    @Example
    void refusesTrailingBytesWithATypedError() {
        byte[] valid = CODEC.encode(account(BigDecimal.TEN, 1, Map.of()));
        byte[] withGarbage =
                (new String(valid, StandardCharsets.UTF_8) + " {\"x\":1}").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> CODEC.decode(withGarbage))
                .isInstanceOf(StateDecodingFailed.class)
                .hasMessageContaining(Account.class.getName())
                .hasMessageContaining("Trailing token");
    }

    @Example
    void refusesJsonNullWithATypedError() {
        assertThatThrownBy(() -> CODEC.decode("null".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(StateDecodingFailed.class)
                .hasMessageContaining("null");
    }

    private static Account account(BigDecimal balance, long cents, Map<String, Object> tags) {
        return new Account(balance, cents, Instant.parse("2026-01-05T09:00:00.123456789Z"), List.of(), tags);
    }

    @Provide
    Arbitrary<Account> accounts() {
        Arbitrary<BigDecimal> decimals = Combinators.combine(
                        Arbitraries.bigIntegers()
                                .between(BigInteger.TEN.pow(40).negate(), BigInteger.TEN.pow(40))
                                .edgeCases(c -> c.add(BigInteger.ZERO)),
                        Arbitraries.integers().between(-10, 30))
                .as(BigDecimal::new);
        Arbitrary<Long> longs = Arbitraries.longs().edgeCases(c -> c.add(Long.MIN_VALUE, Long.MAX_VALUE));
        Arbitrary<Instant> instants = Combinators.combine(
                        Arbitraries.longs()
                                .between(
                                        Instant.parse("0000-01-01T00:00:00Z").getEpochSecond(),
                                        Instant.parse("9999-12-31T23:59:59Z").getEpochSecond()),
                        Arbitraries.integers().between(0, 999_999_999))
                .as(Instant::ofEpochSecond);
        // typed fields only: in an untyped Map a JSON integer is read as the smallest fitting type (Integer 0 for
        // Long 0), which is JSON's lack of types, not a loss of value; the examples cover untyped decimals and longs
        return Combinators.combine(decimals, longs, instants, decimals.list().ofMaxSize(3))
                .as((balance, cents, openedAt, fees) -> new Account(balance, cents, openedAt, fees, Map.of()));
    }
}
