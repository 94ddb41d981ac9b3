package dev.courier.notify;

import dev.courier.json.Jsons;
import dev.courier.task.control.DeadLetters;
import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.MessageDrivenContext;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.json.JsonValue;
import java.util.logging.Logger;

/**
 * Forwards every notification to the configured webhook: a durable, shared subscription ({@code
 * notifications-webhook}) on the {@code notifications} topic. A 5xx answer or an unreachable
 * receiver rolls the delivery back, so the broker retries it with the topic's back-off and finally
 * dead-letters it; a 4xx refusal goes to {@code notifications.dlq} at once.
 */
@MessageDriven(
    activationConfig = {
      @ActivationConfigProperty(
          propertyName = "resourceAdapter",
          propertyValue = "courier-artemis"),
      @ActivationConfigProperty(propertyName = "useJNDI", propertyValue = "false"),
      @ActivationConfigProperty(propertyName = "destination", propertyValue = Notifications.TOPIC),
      @ActivationConfigProperty(
          propertyName = "destinationType",
          propertyValue = "jakarta.jms.Topic"),
      @ActivationConfigProperty(propertyName = "subscriptionDurability", propertyValue = "Durable"),
      @ActivationConfigProperty(propertyName = "shareSubscriptions", propertyValue = "true"),
      @ActivationConfigProperty(
          propertyName = "subscriptionName",
          propertyValue = "notifications-webhook"),
      @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "4")
    })
public class NotificationWebhook implements MessageListener {

  private static final Logger LOG = Logger.getLogger(NotificationWebhook.class.getName());

  @Resource MessageDrivenContext context;
  @Inject Webhook webhook;
  @Inject DeadLetters deadLetters;

  @Override
  public void onMessage(Message message) {
    try {
      JsonValue body;
      try {
        body = Jsons.read(message);
      } catch (Jsons.UnreadableBody e) {
        deadLetters.sendTo(
            Notifications.DEAD_LETTERS, Notifications.TOPIC, message, e.getMessage());
        return;
      }
      Webhook.Result result = webhook.post(message, body);
      switch (result.outcome()) {
        case REFUSED ->
            deadLetters.sendTo(
                Notifications.DEAD_LETTERS, Notifications.TOPIC, message, result.detail());
        case RETRY -> {
          // rolled back: the broker delivers it again after the topic's back-off
          LOG.warning(() -> result.detail() + "; notification to be retried");
          context.setRollbackOnly();
        }
        default -> {}
      }
    } catch (JMSException e) {
      throw new JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while posting; it will be redelivered", e);
    }
  }
}
