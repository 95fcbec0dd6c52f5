package dev.verdict.examples.pharmacy.app;

import dev.verdict.decider.CombinedState;
import dev.verdict.examples.pharmacy.Dispensing.DispenseFill;
import dev.verdict.examples.pharmacy.Inventory;
import dev.verdict.examples.pharmacy.InventoryCommand;
import dev.verdict.examples.pharmacy.InventoryEvent;
import dev.verdict.examples.pharmacy.Prescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand;
import dev.verdict.examples.pharmacy.PrescriptionEvent;
import dev.verdict.nats.NatsPartitionOwnership;
import dev.verdict.routing.CombinedStateCodec;
import dev.verdict.routing.CommandCodec;
import dev.verdict.routing.CommandRouting;
import dev.verdict.routing.RoutedEntity;
import dev.verdict.routing.RoutedMultiEntity;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.MultiEntityHandle;
import dev.verdict.runtime.Outcome;
import dev.verdict.store.CommandContext;
import dev.verdict.store.codec.JsonStateCodec;
import io.nats.client.Connection;
import java.util.Locale;
import java.util.Optional;

/**
 * How the API's commands are decided: on this instance ({@code COMMAND_ROUTING=off}, the default) or on the instance
 * that owns the entity ({@code COMMAND_ROUTING=owner}: Verdict's owner-routed commands, docs/scaling.md). A dispense is
 * routed by its prescription, the entity it reads first; the stock it reads after is guarded by the atomic append, as
 * without routing. Commands of the stock-reorder process manager and of the expiry are decided where they run (they
 * compete through optimistic concurrency, as before).
 */
final class PharmacyCommands implements AutoCloseable {
    /** Partitions of the owner-routed commands; the same on every instance. */
    static final int PARTITIONS = 16;

    private final EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> prescriptions;
    private final EntityHandle<InventoryCommand, Inventory, InventoryEvent> inventory;
    private final MultiEntityHandle<DispenseFill, CombinedState<Prescription, Inventory>, Object> dispenses;
    private final Optional<Routed> routed;

    /** The routed forms of the handles, and the routing to close. */
    private record Routed(
            CommandRouting routing,
            RoutedEntity<PrescriptionCommand, Prescription, PrescriptionEvent> prescriptions,
            RoutedEntity<InventoryCommand, Inventory, InventoryEvent> inventory,
            RoutedMultiEntity<DispenseFill, CombinedState<Prescription, Inventory>, Object> dispenses) {}

    private PharmacyCommands(
            EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> prescriptions,
            EntityHandle<InventoryCommand, Inventory, InventoryEvent> inventory,
            MultiEntityHandle<DispenseFill, CombinedState<Prescription, Inventory>, Object> dispenses,
            Optional<Routed> routed) {
        this.prescriptions = prescriptions;
        this.inventory = inventory;
        this.dispenses = dispenses;
        this.routed = routed;
    }

    /** Whether {@code COMMAND_ROUTING} asks for owner-routed commands: {@code owner}, or {@code off} (the default). */
    static boolean routed(String setting) {
        String s = setting.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty() || s.equals("off")) {
            return false;
        }
        if (s.equals("owner")) {
            return true;
        }
        throw new PharmacyStartFailure("COMMAND_ROUTING must be 'owner' or 'off', was '" + setting + "'");
    }

    /** Commands decided on this instance. */
    static PharmacyCommands direct(
            EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> prescriptions,
            EntityHandle<InventoryCommand, Inventory, InventoryEvent> inventory,
            MultiEntityHandle<DispenseFill, CombinedState<Prescription, Inventory>, Object> dispenses) {
        return new PharmacyCommands(prescriptions, inventory, dispenses, Optional.empty());
    }

    /** Commands decided on the owner of their entity, ownership scoped by the store's name. */
    static PharmacyCommands routed(
            Connection nats,
            String scope,
            int replicas,
            CommandRuntime runtime,
            EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> prescriptions,
            EntityHandle<InventoryCommand, Inventory, InventoryEvent> inventory,
            MultiEntityHandle<DispenseFill, CombinedState<Prescription, Inventory>, Object> dispenses) {
        CommandRouting routing = CommandRouting.start(NatsPartitionOwnership.builder(nats, scope)
                .partitions(PARTITIONS)
                .replicas(replicas)
                .build());
        try {
            Routed routed = new Routed(
                    routing,
                    routing.route(prescriptions, CommandCodec.json(permitted(PrescriptionCommand.class))),
                    routing.route(inventory, CommandCodec.json(permitted(InventoryCommand.class))),
                    routing.route(
                            dispenses,
                            CommandCodec.json(DispenseFill.class),
                            CombinedStateCodec.of(
                                    JsonStateCodec.of(Prescription.class), JsonStateCodec.of(Inventory.class)),
                            CommandRouting.eventCodecsOf(runtime)));
            return new PharmacyCommands(prescriptions, inventory, dispenses, Optional.of(routed));
        } catch (RuntimeException e) {
            routing.close();
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private static <C> Class<? extends C>[] permitted(Class<C> sealed) {
        return (Class<? extends C>[]) sealed.getPermittedSubclasses();
    }

    Outcome<Prescription, PrescriptionEvent> prescription(String id, PrescriptionCommand command, CommandContext c) {
        return routed.isPresent()
                ? routed.get().prescriptions().handle(id, command, c)
                : prescriptions.handle(id, command, c);
    }

    Outcome<Inventory, InventoryEvent> inventory(String drug, InventoryCommand command, CommandContext c) {
        return routed.isPresent()
                ? routed.get().inventory().handle(drug, command, c)
                : inventory.handle(drug, command, c);
    }

    Outcome<CombinedState<Prescription, Inventory>, Object> dispense(DispenseFill fill, CommandContext c) {
        return routed.isPresent() ? routed.get().dispenses().handle(fill, c) : dispenses.handle(fill, c);
    }

    /** Whether commands are owner-routed. */
    boolean isRouted() {
        return routed.isPresent();
    }

    /** Leaves the routing (the partitions this instance owns are handed over at once). */
    @Override
    public void close() {
        routed.ifPresent(r -> r.routing().close());
    }
}
