import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { WalletService } from '../wallet/wallet.service';
import { NotifyService } from '../notify.service';

@Processor('bet_settled_queue')
export class SettleProcessor extends WorkerHost {
  constructor(
    private readonly wallet: WalletService,
    private readonly notify: NotifyService,
  ) {
    super();
  }

  async process(job: Job<{ betId: number; playerId: number; payout: number }>): Promise<void> {
    const { betId, playerId, payout } = job.data;
    if (payout > 0) {
      await this.wallet.credit(playerId, payout, `bet:${betId}`);
    }
    void this.notify.betSettled(playerId, betId);
    void this.notify.leaderboard(playerId, payout);
  }
}
