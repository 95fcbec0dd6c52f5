package dev.verdict.routing;

import dev.verdict.decider.EntityKey;
import dev.verdict.decider.MultiDecider;
import dev.verdict.decider.Routed;
import dev.verdict.runtime.MultiRegistration;
import dev.verdict.store.codec.JsonStateCodec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The routing tests' decision over two tallies: counts both at once, refused when either reached the limit. */
record TallyPair(Map<String, Integer> counts) {
    /** Counts one on {@code first} and one on {@code second}; routed by {@code first}, the entity it reads first. */
    record CountBoth(String first, String second, int limit) {}

    static final MultiDecider<CountBoth, TallyPair, Tally.Event> DECIDER = MultiDecider.of(
            c -> List.of(EntityKey.of("tally", c.first()), EntityKey.of("tally", c.second())),
            new TallyPair(Map.of()),
            (state, entity, event) -> {
                Map<String, Integer> next = new HashMap<>(state.counts());
                next.put(entity.id(), ((Tally.Counted) event).number());
                return new TallyPair(next);
            },
            (c, state) -> {
                int first = state.counts().getOrDefault(c.first(), 0);
                int second = state.counts().getOrDefault(c.second(), 0);
                if (Math.max(first, second) >= c.limit()) {
                    throw new Tally.Full(c.limit());
                }
                return List.of(
                        new Routed<>(EntityKey.of("tally", c.first()), new Tally.Counted(first + 1)),
                        new Routed<>(EntityKey.of("tally", c.second()), new Tally.Counted(second + 1)));
            });

    static final MultiRegistration<CountBoth, TallyPair, Tally.Event> REGISTRATION =
            MultiRegistration.of("count-both", DECIDER);

    static final JsonStateCodec<TallyPair> STATES = JsonStateCodec.of(TallyPair.class);

    static final CommandCodec<CountBoth> COMMANDS = CommandCodec.json(CountBoth.class);
}
