package dev.verdict.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/** Writing histories fast for setup (not measured): publishAsync with up to 1,000 messages in flight. */
final class RawLoads {
    private RawLoads() {}

    static void fill(BenchmarkContext ctx, String subject, int events, byte[] payload) {
        fill(ctx, i -> subject, events, payload);
    }

    static void fill(BenchmarkContext ctx, IntFunction<String> subjectOf, int events, byte[] payload) {
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            inFlight.add(ctx.raw.publishAsync(subjectOf.apply(i), payload, -1, ctx.ids.next()));
            if (inFlight.size() == 1000) {
                CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                        .join();
                inFlight.clear();
            }
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
    }
}
