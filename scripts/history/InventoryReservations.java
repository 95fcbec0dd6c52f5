// Writes the inventory events the pharmacy's HTTP API does not reach (stock reserved, a reservation dispensed and one
// released) for one drug, through the release's own InventoryDecider and event store: a single-file program run by
// scripts/record-history on the recorded release's classpath.
//
//   java -cp <the release's example classpath> scripts/history/InventoryReservations.java <nats-url> <drug>

import dev.verdict.examples.pharmacy.Inventory;
import dev.verdict.examples.pharmacy.InventoryCommand;
import dev.verdict.examples.pharmacy.InventoryDecider;
import dev.verdict.examples.pharmacy.InventoryEvent;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventCodec;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.time.Instant;
import java.util.List;

public class InventoryReservations {
    public static void main(String[] args) throws Exception {
        String drug = args[1];
        try (Connection nc = Nats.connect(args[0])) {
            NatsEventStore store = NatsEventStore.create(nc, NatsEventStoreConfig.of("pharmacy"));
            EventCodec<InventoryEvent> codec = JsonEventCodec.of(InventoryEvent.class);
            InventoryDecider decider = new InventoryDecider();
            EntityRef stock = EntityRef.of("inventory", drug);
            Instant now = Instant.now();
            List<InventoryCommand> commands = List.of(
                    new InventoryCommand.ReceiveStock(drug, 30, now),
                    new InventoryCommand.ReserveStock(drug, "res-1", 8, now),
                    new InventoryCommand.DispenseFromReservation(drug, "res-1", 5, now),
                    new InventoryCommand.ReserveStock(drug, "res-2", 4, now),
                    new InventoryCommand.ReleaseReservation(drug, "res-2", now),
                    new InventoryCommand.ReleaseReservation(drug, "res-1", now));
            for (InventoryCommand command : commands) {
                Inventory state = decider.initialState();
                long version = 0;
                for (RecordedEvent e : store.readAll(stock, ReadRange.all())) {
                    state = decider.evolve(state, codec.decode(e.event()));
                    version = e.sequence();
                }
                List<InventoryEvent> events = decider.decide(command, state);
                store.append(stock, version, events.stream().map(codec::encode).toList(), CommandContext.create());
                System.err.println("inventory-reservations: " + command.getClass().getSimpleName() + " -> " + events);
            }
        }
    }
}
