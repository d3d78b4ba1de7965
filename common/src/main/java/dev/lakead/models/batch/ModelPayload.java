package dev.lakead.models.batch;

import dev.lakead.models.AnomalyModel;

import java.io.Serializable;
import java.util.UUID;

/** What executors receive by broadcast: the model family and its serialized network. */
public record ModelPayload(String id, String type, byte[] bytes) implements Serializable {

    public static ModelPayload of(AnomalyModel model) {
        return new ModelPayload(UUID.randomUUID().toString(), model.type(), model.toBytes());
    }
}
