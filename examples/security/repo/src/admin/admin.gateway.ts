import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { TransactionsService } from './transactions.service';

@WebSocketGateway({ namespace: 'admin' })
export class AdminGateway {
  constructor(private readonly transactions: TransactionsService) {}

  @SubscribeMessage('transactions')
  list(payload: { playerId: number }) {
    return this.transactions.forPlayer(payload.playerId);
  }
}
