package dev.verdict.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.decider.CombinedState;
import dev.verdict.store.StateCodec;
import java.util.Objects;

/**
 * The state codec of a {@link CombinedState} from the codecs of its two parts – what a routed decision over two
 * entities ({@link RoutedMultiEntity}) answers its combined state with. JSON with both parts' bytes inside; its
 * fingerprint is made of both parts' fingerprints.
 *
 * <pre>{@code
 * StateCodec<CombinedState<Prescription, Inventory>> states =
 *         CombinedStateCodec.of(JsonStateCodec.of(Prescription.class), JsonStateCodec.of(Inventory.class));
 * }</pre>
 *
 * @param <S1> the first entity's state
 * @param <S2> the second entity's state
 */
public final class CombinedStateCodec<S1, S2> implements StateCodec<CombinedState<S1, S2>> {
    private final StateCodec<S1> first;
    private final StateCodec<S2> second;

    private CombinedStateCodec(StateCodec<S1> first, StateCodec<S2> second) {
        this.first = Objects.requireNonNull(first, "first");
        this.second = Objects.requireNonNull(second, "second");
    }

    /** The codec of {@code CombinedState<S1, S2>} from the codecs of its parts. */
    public static <S1, S2> CombinedStateCodec<S1, S2> of(StateCodec<S1> first, StateCodec<S2> second) {
        return new CombinedStateCodec<>(first, second);
    }

    @Override
    public byte[] encode(CombinedState<S1, S2> state) {
        ObjectNode n = RouteWire.JSON.createObjectNode();
        n.put("first", first.encode(state.first()));
        n.put("second", second.encode(state.second()));
        return RouteWire.write(n);
    }

    @Override
    public CombinedState<S1, S2> decode(byte[] bytes) {
        JsonNode n = RouteWire.read(bytes);
        return new CombinedState<>(
                first.decode(RouteWire.binary(n, "first")), second.decode(RouteWire.binary(n, "second")));
    }

    @Override
    public String fingerprint() {
        return "combined(" + first.fingerprint() + "," + second.fingerprint() + ")";
    }
}
