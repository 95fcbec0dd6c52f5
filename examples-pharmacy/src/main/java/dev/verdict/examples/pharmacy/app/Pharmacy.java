package dev.verdict.examples.pharmacy.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verdict.decider.CombinedState;
import dev.verdict.examples.pharmacy.Dispensing.DispenseFill;
import dev.verdict.examples.pharmacy.Inventory;
import dev.verdict.examples.pharmacy.InventoryCommand;
import dev.verdict.examples.pharmacy.InventoryEvent;
import dev.verdict.examples.pharmacy.Prescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand;
import dev.verdict.examples.pharmacy.PrescriptionCommand.OrderPrescription;
import dev.verdict.examples.pharmacy.PrescriptionDecider;
import dev.verdict.examples.pharmacy.PrescriptionEvent;
import dev.verdict.routing.RoutedCommandFailed;
import dev.verdict.runtime.AppendedEvent;
import dev.verdict.runtime.ConflictRetriesExhausted;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.EntityState;
import dev.verdict.runtime.Outcome;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStore;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import io.nats.client.Connection;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The pharmacy's application service: what the HTTP API asks of Verdict. It sends commands through {@link
 * PharmacyCommands} (the runtime's entity handles, or their owner-routed forms with {@code COMMAND_ROUTING=owner}), answers queries from the runtime (current and as-of state), the event store (history) and the
 * read model (prescriptions per patient).
 *
 * <p>Idempotency: the HTTP layer ({@link IdempotencyRecords}) answers repeats of a request; a command it executes
 * carries a command id derived from the {@code Idempotency-Key}, and when the runtime recognises that id as stored
 * before ({@code Accepted(duplicate)}), the answer is the state as of the original events.
 */
final class Pharmacy {
    private final EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> prescriptions;
    private final EntityHandle<InventoryCommand, Inventory, InventoryEvent> inventory;
    private final PharmacyCommands commands;
    private final EventStore store;
    private final Connection nats;
    private final PatientPrescriptions readModel;
    private final ObjectMapper json;
    private final Optional<PrescriptionPlacements> placements;

    Pharmacy(
            EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> prescriptions,
            EntityHandle<InventoryCommand, Inventory, InventoryEvent> inventory,
            PharmacyCommands commands,
            EventStore store,
            Connection nats,
            PatientPrescriptions readModel,
            ObjectMapper json,
            Optional<PrescriptionPlacements> placements) {
        this.prescriptions = prescriptions;
        this.inventory = inventory;
        this.commands = commands;
        this.store = store;
        this.nats = nats;
        this.readModel = readModel;
        this.json = json;
        this.placements = placements;
    }

    /**
     * Handles a prescription command with the given command id (a new one when empty): the prescription after it, or
     * the domain's refusal – a value, not an exception.
     */
    Decided<Prescription> prescriptionCommand(String id, PrescriptionCommand command, Optional<String> commandId) {
        if (placements.isPresent() && command instanceof OrderPrescription order) {
            // a sharded store: the prescription goes to its drug's shard, recorded before its first event
            String placedWith = placements.get().place(id, order.drug());
            if (!placedWith.equals(order.drug()) && prescriptions.load(id).version() == 0) {
                // the id was recorded for another drug, and no prescription of it was stored: placing this order
                // with its own drug could store the id on two shards
                return new Decided.Refused<>(new PrescriptionPlacements.IdTaken(id));
            } // else: an existing prescription – its own rules refuse the order (prescription.already-exists)
        }
        return handle(prescriptions, commands.prescription(id, command, context(commandId)), id);
    }

    /**
     * Dispenses from a prescription and deducts the drug's stock in one atomic decision ({@link
     * dev.verdict.examples.pharmacy.Dispensing}); refused – by the prescription's rules, or {@code
     * inventory.insufficient-stock} – it answers the refusal, and nothing is stored on either entity.
     * Returns the prescription after the dispense; the stock's new state is cached, so {@link #inventory} shows it.
     */
    Decided<Prescription> dispense(String id, int quantity, Instant issuedAt, Optional<String> commandId) {
        // the decision reads the prescription, then the stock of the drug it names (no read here); an unknown
        // prescription is refused by its own rules
        DispenseFill fill = new DispenseFill(id, quantity, issuedAt);
        // the runtime's tracing interceptor (the starter's) carries the caller's trace into the events it appends
        Outcome<CombinedState<Prescription, Inventory>, Object> outcome = commands.dispense(fill, context(commandId));
        return decided(
                outcome, EntityRef.of(PrescriptionDecider.TYPE.key(id)), CombinedState::first, prescriptions::loadAsOf);
    }

    /** Handles an inventory command, like {@link #prescriptionCommand}. */
    Decided<Inventory> inventoryCommand(String drug, InventoryCommand command, Optional<String> commandId) {
        return handle(inventory, commands.inventory(drug, command, context(commandId)), drug);
    }

    private static CommandContext context(Optional<String> commandId) {
        return commandId.map(CommandContext::withCommandId).orElseGet(CommandContext::create);
    }

    /** The answer to a one-entity command's outcome (decided here or on the entity's owner: {@link PharmacyCommands}). */
    private static <C, S, E> Decided<S> handle(EntityHandle<C, S, E> handle, Outcome<S, E> outcome, String id) {
        return decided(outcome, handle.category().entity(id), s -> s, handle::loadAsOf);
    }

    /**
     * The answer to an outcome – of one entity or several, the same code: the state of {@code entity} after the
     * command, or the domain's refusal (a value, not an exception). A re-execution of a command stored before (its
     * answer was never recorded) answers the state its own events produced, as the first execution did.
     */
    private static <S, E, T> Decided<T> decided(
            Outcome<S, E> outcome,
            EntityRef entity,
            Function<S, T> stateOf,
            BiFunction<String, Long, EntityState<T>> asOf) {
        return outcome.map(
                accepted -> {
                    if (accepted.duplicate()) {
                        List<AppendedEvent<E>> own = accepted.eventsOf(entity);
                        return new Decided.Done<>(asOf(asOf.apply(
                                entity.id().value(), own.get(own.size() - 1).sequence())));
                    }
                    return new Decided.Done<>(
                            new Versioned<>(stateOf.apply(accepted.state()), accepted.versionOf(entity)));
                },
                unchanged -> new Decided.Done<>(
                        new Versioned<>(stateOf.apply(unchanged.state()), unchanged.versionOf(entity))),
                rejected -> new Decided.Refused<>(rejected.rejection()));
    }

    private static <S> Versioned<S> asOf(EntityState<S> state) {
        return new Versioned<>(state.state(), state.version());
    }

    /** The prescription now, or as of a sequence or instant; empty when it had no events. */
    Optional<Versioned<Prescription>> prescription(String id, Optional<AsOf> asOf) {
        EntityState<Prescription> state;
        if (asOf.isEmpty()) {
            state = prescriptions.load(id);
        } else if (asOf.get().sequence().isPresent()) {
            state = prescriptions.loadAsOf(id, asOf.get().sequence().get());
        } else {
            state = prescriptions.loadAsOf(id, asOf.get().instant().orElseThrow());
        }
        return state.version() == 0 ? Optional.empty() : Optional.of(asOf(state));
    }

    /** The stock of a drug; empty when it has no events. */
    Optional<Versioned<Inventory>> inventory(String drug) {
        EntityState<Inventory> state = inventory.load(drug);
        return state.version() == 0 ? Optional.empty() : Optional.of(asOf(state));
    }

    /** A prescription's events in order, with their payloads as stored. */
    List<EventResource> history(String id) {
        List<EventResource> events = new ArrayList<>();
        store.read(
                EntityRef.of(PrescriptionDecider.TYPE.key(id)), ReadRange.all(), event -> events.add(resource(event)));
        return events;
    }

    private EventResource resource(RecordedEvent event) {
        JsonNode data;
        try {
            data = json.readTree(event.event().payload());
        } catch (IOException e) {
            data = json.getNodeFactory().textNode("<payload is not JSON: " + e.getMessage() + ">");
        }
        return new EventResource(event.sequence(), event.type(), event.time(), data);
    }

    /** The prescriptions of a patient from the read model (eventually consistent). */
    List<PrescriptionResource> prescriptionsOf(String patientId) {
        return readModel.ofPatient(patientId);
    }

    /** The patients in the read model (eventually consistent), ordered by id, at most {@link #MAX_PATIENTS}. */
    List<PatientResource> patients() {
        return readModel.patients(MAX_PATIENTS);
    }

    static final int MAX_PATIENTS = 500;

    boolean isConnected() {
        return nats.getStatus() == Connection.Status.CONNECTED;
    }

    String connectionStatus() {
        return nats.getStatus().name().toLowerCase();
    }

    /**
     * Maps failures of the infrastructure to API errors: retries exhausted is a 409 {@code conflict}; NATS or the
     * database being unreachable (anywhere in the cause chain), or the owner of a routed command failing, is a 503. Empty for anything else (a bug: 500).
     */
    static Optional<ApiError> describeFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConflictRetriesExhausted) {
                return Optional.of(new ApiError(409, "conflict", t.getMessage()));
            }
            if (t instanceof RoutedCommandFailed) { // COMMAND_ROUTING=owner: the owner's runtime failed (its message)
                return Optional.of(ApiError.unavailable("the instance deciding this entity failed; try again"));
            }
            if (t instanceof EventStoreUnavailable || t instanceof TimeoutException || t instanceof IOException) {
                return Optional.of(ApiError.unavailable("the event store (NATS) is unreachable; try again"));
            }
            if (t instanceof SQLException) {
                return Optional.of(ApiError.unavailable("the read model's database is unreachable; try again"));
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }
}
