package dev.courier.bench;

import jakarta.jms.JMSContext;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * A plain JMS client that submits one task: a text message with the task's JSON on {@code
 * courier.tasks}. The JSON comes from the system property {@code task} (Maven's exec.args would
 * strip its quotes), the broker URL from {@code broker} (default tcp://127.0.0.1:61616).
 */
public final class SubmitTask {

  public static void main(String[] args) {
    String task = System.getProperty("task");
    if (task == null || task.isBlank()) {
      System.err.println(
          "usage: -Dtask='{\"type\":\"echo\",\"payload\":{...}}' [-Dbroker=tcp://...] [-Duser=courier -Dpassword=courier]");
      System.exit(2);
    }
    String broker = System.getProperty("broker", "tcp://127.0.0.1:61616");
    try (var factory =
            new ActiveMQConnectionFactory(
                broker,
                System.getProperty("user", "courier"),
                System.getProperty("password", "courier"));
        JMSContext jms = factory.createContext()) {
      var message = jms.createTextMessage(task);
      jms.createProducer().send(jms.createQueue("courier.tasks"), message);
      System.out.println("sent " + message.getJMSMessageID() + " to courier.tasks on " + broker);
    } catch (Exception e) {
      System.err.println("could not submit: " + e);
      System.exit(1);
    }
  }
}
