package dev.verdict.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.store.EventStoreException;
import dev.verdict.store.nats.NatsDataKeys;
import dev.verdict.store.personal.DataKeys;
import io.nats.client.Connection;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code verdict erase <store> <data-subject>}: crypto-shredding – destroys the data subject's key in the store's key
 * bucket ({@link NatsDataKeys#openForErasure}, no key-encryption key needed), so its personal data can never be
 * decrypted again. Final and idempotent; {@code --check} only reports whether the subject is erased.
 */
@Command(
        name = "erase",
        mixinStandardHelpOptions = true,
        description = "Erase a data subject's personal data for good: destroy its data key in the key bucket"
                + " (<store>-personal-keys), so its events and snapshots read as erased and no new key is made for"
                + " it. Needs no key-encryption key. Idempotent; asks first unless --yes. With --check only shows"
                + " whether (and when) the subject was erased.")
final class EraseCommand implements Callable<Integer> {
    @Mixin
    Connect connect;

    @Mixin
    Output output;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "STORE", description = "The store.")
    String store;

    @Parameters(
            index = "1",
            paramLabel = "DATA-SUBJECT",
            description = "The data subject's id, as the application names it (e.g. the patient id).")
    String subject;

    @Option(
            names = "--key-bucket",
            paramLabel = "BUCKET",
            description = "The key bucket (default: <store>-personal-keys).")
    String bucket;

    @Option(names = "--check", description = "Change nothing: show whether the subject is erased (exit 1 if not).")
    boolean check;

    @Option(names = "--yes", description = "Do not ask.")
    boolean yes;

    @Override
    public Integer call() throws InterruptedException {
        if (subject.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "a data subject's id is not empty");
        }
        String keys = bucket == null ? store + "-personal-keys" : bucket;
        try (Connection nc = connect.open()) {
            Stores.named(nc, connect, store);
            NatsDataKeys dataKeys;
            try {
                dataKeys = NatsDataKeys.openForErasure(nc, keys)
                        .orElseThrow(() -> CliFailure.notFound("store '" + store + "' has no key bucket '" + keys
                                + "' (it keeps no personal data, or use --key-bucket)"));
            } catch (EventStoreException e) {
                throw connect.failure("cannot open the key bucket '" + keys + "'", e);
            }
            String what = "data subject '" + subject + "' of store '" + store + "'";
            DataKeys.Erasure erasure;
            if (check) {
                try {
                    erasure = dataKeys.erasure(subject)
                            .orElseThrow(() -> CliFailure.notFound("the " + what + " is not erased"));
                } catch (EventStoreException e) {
                    throw connect.failure("cannot read the key of the " + what, e);
                }
            } else {
                if (!Output.confirm(
                        spec.commandLine().getErr(),
                        yes,
                        "Erase the " + what + "? Its personal data can never be decrypted again (this is final).")) {
                    throw CliFailure.notFound("nothing erased");
                }
                try {
                    erasure = dataKeys.erase(subject);
                } catch (EventStoreException e) {
                    throw connect.failure("cannot erase the " + what, e);
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            if (output.json) {
                ObjectNode o = Output.object()
                        .put("store", store)
                        .put("bucket", keys)
                        .put("subject", subject)
                        .put("erasedAt", erasure.erasedAt().toString())
                        .put("alreadyErased", erasure.repeated());
                Output.printJson(out, o);
            } else if (check || erasure.repeated()) {
                out.println("the " + what + " was erased at " + erasure.erasedAt());
            } else {
                out.println("erased the " + what + " at " + erasure.erasedAt());
            }
            out.flush();
            return Verdict.OK;
        }
    }
}
