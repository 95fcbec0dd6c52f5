package dev.verdict.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.verdict.store.codec.VerdictObjectMapper;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class IsoInstantTest {
    private static final long YEAR_0 = -62_167_219_200L;
    private static final long YEAR_10000 = 253_402_300_800L;

    @Property(tries = 5000)
    void formatsExactlyAsInstantToString(@ForAll("instants") Instant instant) {
        assertThat(IsoInstant.format(instant)).isEqualTo(instant.toString());
    }

    @Property(tries = 5000)
    void parsesWhatItFormats(@ForAll("instants") Instant instant) {
        assertThat(IsoInstant.parse(IsoInstant.format(instant))).isEqualTo(instant);
    }

    @Property(tries = 5000)
    void agreesWithInstantParseOnDamagedText(
            @ForAll("instants") Instant instant,
            @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 29) int at,
            @ForAll
                    @net.jqwik.api.constraints.Chars({
                        '0', '1', '2', '3', '5', '9', ':', '-', 'T', 'Z', '.', '+', ' ', 'x'
                    })
                    char replacement,
            @ForAll boolean drop) {
        String text = instant.toString();
        int i = Math.min(at, text.length() - 1);
        String damaged = drop
                ? text.substring(0, i) + text.substring(i + 1)
                : text.substring(0, i) + replacement + text.substring(i + 1);
        assertThat(outcome(IsoInstant::parse, damaged)).as(damaged).isEqualTo(outcome(Instant::parse, damaged));
    }

    @Example
    void readsInvalidDatesAndOtherFormsExactlyAsTheJdk() {
        for (String text : new String[] {
            "2026-02-29T00:00:00Z",
            "2024-02-29T23:59:59.5Z",
            "2026-04-31T00:00:00Z",
            "2026-11-27T24:00:00Z",
            "2026-11-27T23:59:60Z",
            "2026-11-27T08:27:23.Z",
            "2026-11-27T08:27:23.1234567890Z",
            "2026-11-27T08:27:23+01:00",
            "+12026-11-27T08:27:23Z",
            "0000-01-01T00:00:00Z",
            "2026-11-27t08:27:23z"
        }) {
            assertThat(outcome(IsoInstant::parse, text)).as(text).isEqualTo(outcome(Instant::parse, text));
        }
    }

    @Example
    void formatsTheEdgesOfTheFourDigitYears() {
        for (Instant i : new Instant[] {
            Instant.EPOCH,
            Instant.ofEpochSecond(YEAR_0),
            Instant.ofEpochSecond(YEAR_0 - 1, 999_999_999),
            Instant.ofEpochSecond(YEAR_10000 - 1, 999_999_999),
            Instant.ofEpochSecond(YEAR_10000),
            Instant.MIN,
            Instant.MAX,
            Instant.parse("2024-02-29T23:59:59.000001Z"),
            Instant.parse("1969-12-31T23:59:59.9Z")
        }) {
            assertThat(IsoInstant.format(i)).as("%s", i).isEqualTo(i.toString());
        }
    }

    @Property(tries = 500)
    void theVerdictMapperWritesInstantsAsInstantToString(@ForAll("instants") Instant instant) throws Exception {
        ObjectMapper mapper = VerdictObjectMapper.create();
        assertThat(mapper.writeValueAsString(new At(instant))).isEqualTo("{\"at\":\"" + instant + "\"}");
        assertThat(mapper.readValue(mapper.writeValueAsBytes(new At(instant)), At.class))
                .isEqualTo(new At(instant));
    }

    record At(Instant at) {}

    record Formatted(
            @JsonFormat(shape = JsonFormat.Shape.NUMBER) Instant number,

            @JsonFormat(pattern = "yyyy-MM-dd", timezone = "UTC")
            Instant day) {}

    @Example
    void formatOverridesAndTimestampsAreLeftToJackson() throws Exception {
        Instant t = Instant.parse("2026-11-27T08:30:00.120Z");
        ObjectMapper mapper = VerdictObjectMapper.create();
        String seconds = t.getEpochSecond() + ".120000000";
        assertThat(mapper.writeValueAsString(new Formatted(t, t)))
                .isEqualTo("{\"number\":" + seconds + ",\"day\":\"2026-11-27\"}");
        assertThat(mapper.copy()
                        .enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                        .writeValueAsString(new At(t)))
                .isEqualTo("{\"at\":" + seconds + "}");
    }

    /** The parsed instant, or "refused" when the parser throws {@code DateTimeParseException}. */
    private static Object outcome(java.util.function.Function<String, Instant> parser, String text) {
        try {
            return parser.apply(text);
        } catch (java.time.format.DateTimeParseException e) {
            return "refused";
        }
    }

    @Provide
    Arbitrary<Instant> instants() {
        Arbitrary<Long> seconds = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(
                        8, Arbitraries.longs().between(YEAR_0 - 86_400L * 800, YEAR_10000 + 86_400L * 800)),
                net.jqwik.api.Tuple.of(2, Arbitraries.longs().between(1_700_000_000L, 1_900_000_000L)));
        Arbitrary<Integer> nanos = Arbitraries.oneOf(
                Arbitraries.just(0),
                Arbitraries.integers().between(0, 999).map(ms -> ms * 1_000_000),
                Arbitraries.integers().between(0, 999_999).map(us -> us * 1_000),
                Arbitraries.integers().between(0, 999_999_999));
        return net.jqwik.api.Combinators.combine(seconds, nanos).as(Instant::ofEpochSecond);
    }
}
