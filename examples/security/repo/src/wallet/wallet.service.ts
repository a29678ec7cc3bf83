import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';

@Injectable()
export class WalletService {
  constructor(private readonly prisma: PrismaService) {}

  async credit(playerId: number, amount: number, reference: string): Promise<void> {
    await this.prisma.ledger.create({ data: { playerId, amount, reference } });
    await this.prisma.wallet.update({
      where: { playerId },
      data: { balance: { increment: amount } },
    });
  }

  async transfer(from: number, to: number, amount: number): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.wallet.update({ where: { playerId: from }, data: { balance: { decrement: amount } } }),
      this.prisma.wallet.update({ where: { playerId: to }, data: { balance: { increment: amount } } }),
    ]);
  }

  async deposit(playerId: number, amount: number): Promise<void> {
    if (amount <= 0) {
      throw new Error('amount must be positive');
    }
    await this.credit(playerId, amount, 'deposit');
  }
}
