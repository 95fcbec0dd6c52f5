package dev.verdict.projection;

import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EventCodec;
import java.nio.charset.StandardCharsets;

/** A minimal text codec for the test domain: {@code Added} = "counter|amount", {@code Reset} = "counter". */
final class CounterCodec implements EventCodec<CounterEvent> {

    @Override
    public EncodedEvent encode(CounterEvent event) {
        if (event instanceof CounterEvent.Added a) {
            return new EncodedEvent("Added", 1, (a.counter() + "|" + a.amount()).getBytes(StandardCharsets.UTF_8));
        }
        return new EncodedEvent("Reset", 1, event.counter().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public CounterEvent decode(EncodedEvent encoded) {
        String text = new String(encoded.payload(), StandardCharsets.UTF_8);
        switch (encoded.type()) {
            case "Added": {
                String[] parts = text.split("\\|");
                if (parts.length != 2) {
                    throw new IllegalArgumentException("Added payload '" + text + "' is not 'counter|amount'");
                }
                return new CounterEvent.Added(parts[0], Long.parseLong(parts[1]));
            }
            case "Reset":
                return new CounterEvent.Reset(text);
            default:
                throw new IllegalArgumentException("unknown event type '" + encoded.type() + "'");
        }
    }
}
