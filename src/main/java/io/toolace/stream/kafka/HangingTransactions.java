package io.toolace.stream.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds hanging transactions on the embedded broker and aborts them, as {@code kafka-transactions.sh
 * find-hanging} and {@code abort} would by hand. A transaction hangs when a partition holds its records
 * without a marker while its coordinator has moved on (the transactional id is empty or completed), so
 * no marker will ever come: {@code read_committed} readers stop at it for good, and a Streams task
 * whose offsets it holds never gets past fetching them (UNSTABLE_OFFSET_COMMIT). Why it happens here:
 * after a kill (SIGKILL, OOM) of the process that hosts it, the single node restarts uncleanly, first
 * leads its partitions under the leader epoch it had, then is re-elected under new ones; a transaction
 * the coordinator aborts in that window (the restarted producer fences its predecessor's) can end with
 * the coordinator holding it aborted and a partition without its marker. Kafka documents the same
 * symptom, and this remedy, for unclean leader election.
 *
 * <p>An open transaction is aborted only when its coordinator holds its producer as empty or completed at
 * the same or a later epoch: a coordinator completes a transaction only after every marker is written,
 * so such a transaction can never end otherwise. It must look so in sweeps at least {@link #CONFIRM}
 * apart, with the same first offset, because a coordinator still loading its state after a restart
 * may briefly show an older one. A transaction in progress (ongoing, preparing) or whose producer the
 * coordinator does not know is never touched.
 */
public final class HangingTransactions implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HangingTransactions.class);
    private static final Duration EVERY = Duration.ofSeconds(3);
    private static final Duration CONFIRM = Duration.ofSeconds(10);
    private static final Set<TransactionState> AT_REST =
            Set.of(TransactionState.EMPTY, TransactionState.COMPLETE_COMMIT, TransactionState.COMPLETE_ABORT);

    private final Admin admin;
    private final ScheduledExecutorService scheduler;
    /** Open transactions that looked hanging, when first seen so (nanoTime); touched by the sweep thread only. */
    private final Map<Hang, Long> suspects = new HashMap<>();

    private record Hang(TopicPartition partition, ProducerState producer) {}

    private HangingTransactions(final Admin admin) {
        this.admin = admin;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            final Thread thread = new Thread(runnable, "hanging-transactions");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Looks for hanging transactions every few seconds until closed. */
    public static HangingTransactions watch(final KafkaClientConfig client) {
        final HangingTransactions watcher = new HangingTransactions(Admin.create(client.clientProperties()));
        watcher.scheduler.scheduleWithFixedDelay(watcher::sweep, EVERY.toMillis(), EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        return watcher;
    }

    private void sweep() {
        try {
            abortHanging();
        } catch (final ExecutionException | RuntimeException e) {
            // The broker may be starting, loading its coordinators or stopping: the next sweep asks again.
            LOG.debug("hanging transaction sweep skipped: {}", e.toString());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One look over every partition; aborts the transactions that have looked hanging long enough. */
    private void abortHanging() throws ExecutionException, InterruptedException {
        final Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
        final List<TopicPartition> partitions = new ArrayList<>();
        admin.describeTopics(topics).allTopicNames().get().forEach((topic, description) ->
                description.partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition()))));
        final Map<TopicPartition, ProducerState> open = openTransactions(partitions);
        final Map<Long, TransactionDescription> coordinators = open.isEmpty() ? Map.of() : coordinatorsOf(open);
        final Set<Hang> hanging = new HashSet<>();
        open.forEach((partition, producer) -> {
            if (hanging(producer, coordinators.get(producer.producerId()))) {
                hanging.add(new Hang(partition, producer));
            }
        });
        final long now = System.nanoTime();
        suspects.keySet().retainAll(hanging);
        hanging.forEach(hang -> suspects.putIfAbsent(hang, now));
        for (final Hang hang : hanging) {
            if (now - suspects.get(hang) < CONFIRM.toNanos()) {
                continue;
            }
            final ProducerState producer = hang.producer();
            final TransactionDescription coordinator = coordinators.get(producer.producerId());
            admin.abortTransaction(new AbortTransactionSpec(hang.partition(), producer.producerId(),
                    (short) producer.producerEpoch(), producer.coordinatorEpoch().orElse(-1))).all().get();
            suspects.remove(hang);
            LOG.warn("aborted a hanging transaction on {}: producer {} epoch {} from offset {}, which its coordinator"
                    + " holds {} at epoch {}", hang.partition(), producer.producerId(), producer.producerEpoch(),
                    producer.currentTransactionStartOffset().getAsLong(), coordinator.state(),
                    coordinator.producerEpoch());
        }
    }

    private static boolean hanging(final ProducerState producer, final TransactionDescription coordinator) {
        return coordinator != null && coordinator.producerId() == producer.producerId()
                && AT_REST.contains(coordinator.state()) && coordinator.producerEpoch() >= producer.producerEpoch();
    }

    /** Each partition's open transaction (a partition has one at most), by the partition's own producer state. */
    private Map<TopicPartition, ProducerState> openTransactions(final List<TopicPartition> partitions)
            throws ExecutionException, InterruptedException {
        final Map<TopicPartition, ProducerState> open = new HashMap<>();
        admin.describeProducers(partitions).all().get()
                .forEach((partition, state) -> state.activeProducers().stream()
                        .filter(p -> p.currentTransactionStartOffset().isPresent())
                        .forEach(p -> open.put(partition, p)));
        return open;
    }

    /** What the coordinators hold for the producers of the open transactions, by producer id. */
    private Map<Long, TransactionDescription> coordinatorsOf(final Map<TopicPartition, ProducerState> open)
            throws ExecutionException, InterruptedException {
        final Set<Long> producers = new HashSet<>();
        open.values().forEach(p -> producers.add(p.producerId()));
        final List<String> ids = admin.listTransactions(new ListTransactionsOptions().filterProducerIds(producers))
                .all().get().stream().map(TransactionListing::transactionalId).toList();
        final Map<Long, TransactionDescription> byProducer = new HashMap<>();
        if (!ids.isEmpty()) {
            admin.describeTransactions(ids).all().get()
                    .forEach((id, description) -> byProducer.put(description.producerId(), description));
        }
        return byProducer;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close(Duration.ofSeconds(5));
    }
}
