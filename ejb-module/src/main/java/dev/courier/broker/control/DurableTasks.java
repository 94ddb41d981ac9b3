package dev.courier.broker.control;

import dev.courier.task.control.TaskMessages;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;

/**
 * Every message sent to a task queue is stored durably, whatever its client asked: STOMP and AMQP
 * send non-persistent messages unless told otherwise, and a task whose submission was answered (a
 * STOMP receipt, an AMQP settlement) must survive a crash of the broker. The broker answers such a
 * client only once the message is in its journal.
 */
public class DurableTasks implements ActiveMQServerMessagePlugin {

  @Override
  public void beforeSend(
      ServerSession session,
      Transaction tx,
      Message message,
      boolean direct,
      boolean noAutoCreateQueue) {
    String address = message.getAddress();
    if (!message.isDurable() && address != null && address.startsWith(TaskMessages.QUEUE)) {
      message.setDurable(true);
    }
  }
}
