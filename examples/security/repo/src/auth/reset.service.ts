import { Injectable } from '@nestjs/common';

@Injectable()
export class ResetService {
  private readonly tokens = new Map<string, string>();

  async consume(token: string): Promise<string | undefined> {
    const username = this.tokens.get(token);
    this.tokens.delete(token);
    return username;
  }
}
