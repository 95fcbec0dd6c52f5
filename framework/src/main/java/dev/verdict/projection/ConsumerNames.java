package dev.verdict.projection;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a projection's consumers are named on the event stream, for tools that read them back (the {@code verdict}
 * command line): a shared (durable) consumer is {@code verdict-<projection>} for a whole projection and {@code
 * verdict-<projection>-<i>of<n>} for partition {@code i} of {@code n} (the names {@link ProjectionRunner#consumerName()}
 * reports); an ephemeral runner's consumer, one per instance, adds a dash and 8 hex digits the instance drew: {@code
 * verdict-<projection>[-<i>of<n>]-<8 hex>}. A projection name that itself ends like a partition ({@code -2of4}) is
 * read as that partition: name projections without that ending.
 *
 * <pre>{@code
 * ConsumerNames.parseShared("verdict-prescription-list-1of4");
 * // Optional[Parsed[projection=prescription-list, partition=partition 1 of 4]]
 * ConsumerNames.parseEphemeral("verdict-stock-view-3f9a0c1d");  // Optional[Parsed[projection=stock-view, partition=whole]]
 * ConsumerNames.parseShared("orders-audit");                    // Optional.empty(): not a projection's consumer
 * }</pre>
 */
public final class ConsumerNames {
    private static final String PREFIX = "verdict-";
    /** The readers' short-lived consumers ({@code verdict-read-<8 hex>}) are no projection's. */
    private static final String READER_PREFIX = "verdict-read-";

    private static final Pattern PARTITIONED = Pattern.compile("^(.+)-(\\d{1,2})of(\\d{1,2})$");
    private static final Pattern EPHEMERAL = Pattern.compile("^(.+)-[0-9a-f]{8}$");

    private ConsumerNames() {}

    /**
     * A consumer name read back.
     *
     * @param projection the projection's name
     * @param partition the partition the consumer serves ({@link Partition#WHOLE} when not partitioned)
     */
    public record Parsed(String projection, Partition partition) {
        public Parsed {
            Objects.requireNonNull(projection, "projection");
            Objects.requireNonNull(partition, "partition");
        }
    }

    /** The shared consumer of a projection's partition: {@code verdict-<projection>[-<i>of<n>]}. */
    public static String shared(String projection, Partition partition) {
        Objects.requireNonNull(projection, "projection");
        return PREFIX + projection + (partition.isWhole() ? "" : "-" + partition.suffix());
    }

    /** The projection and partition of a shared consumer's name, or empty when it is not such a name. */
    public static Optional<Parsed> parseShared(String consumer) {
        Objects.requireNonNull(consumer, "consumer");
        if (!consumer.startsWith(PREFIX) || consumer.length() == PREFIX.length()) {
            return Optional.empty();
        }
        return Optional.of(projectionAndPartition(consumer.substring(PREFIX.length())));
    }

    /**
     * The projection and partition of an ephemeral runner's consumer ({@code verdict-<projection>[-<i>of<n>]-<8 hex>}),
     * or empty when it is not such a name (readers' consumers {@code verdict-read-<8 hex>} included).
     */
    public static Optional<Parsed> parseEphemeral(String consumer) {
        Objects.requireNonNull(consumer, "consumer");
        if (!consumer.startsWith(PREFIX) || consumer.startsWith(READER_PREFIX)) {
            return Optional.empty();
        }
        Matcher m = EPHEMERAL.matcher(consumer.substring(PREFIX.length()));
        return m.matches() ? Optional.of(projectionAndPartition(m.group(1))) : Optional.empty();
    }

    private static Parsed projectionAndPartition(String rest) {
        Matcher p = PARTITIONED.matcher(rest);
        if (p.matches()) {
            int index = Integer.parseInt(p.group(2));
            int count = Integer.parseInt(p.group(3));
            if (count > 1 && count <= Partition.MAX_COUNT && index < count) {
                return new Parsed(p.group(1), new Partition(index, count));
            }
        }
        return new Parsed(rest, Partition.WHOLE);
    }
}
