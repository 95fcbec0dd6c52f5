package dev.verdict.benchmarks;

import java.util.Arrays;
import java.util.List;

/**
 * The minimum, median and maximum of one metric over the repeats of a benchmark: the spread a reader needs to judge
 * whether two numbers differ beyond noise.
 *
 * <pre>{@code
 * Spread s = Spread.of(List.of(3_100.0, 2_950.0, 3_020.0)); // min 2950, median 3020, max 3100
 * }</pre>
 */
record Spread(double min, double median, double max, int repeats) {

    static Spread of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a spread needs at least one value");
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
        return new Spread(v[0], median, v[n - 1], n);
    }

    static Spread single(double value) {
        return new Spread(value, value, value, 1);
    }
}
