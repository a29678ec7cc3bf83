import { Controller, Get, Query } from '@nestjs/common';
import { ExportService } from './export.service';

@Controller('admin/export')
// @UseGuards(JwtAuthGuard)
export class ExportController {
  constructor(private readonly exports: ExportService) {}

  @Get('players')
  players(@Query('from') from: string) {
    return this.exports.players(from);
  }
}
